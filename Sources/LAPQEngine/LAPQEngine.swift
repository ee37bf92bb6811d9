// The engine's public API hands out `Tensor`s; re-export the kernel module so that a client
// importing LAPQEngine sees that type without importing the kernels itself.
@_exported import LAPQKernels
