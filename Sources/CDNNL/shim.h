#include <oneapi/dnnl/dnnl.h>

/* Debian's libdnnl is built with DNNL_CPU_RUNTIME == DNNL_RUNTIME_OMP (GNU libgomp), so its
   thread count is OpenMP's per-thread nthreads-var. Declared here rather than including
   <omp.h>, which Debian ships only inside GCC's private include directory. */
void omp_set_num_threads(int num_threads);
int omp_get_max_threads(void);

/* libgomp's entry point for `#pragma omp parallel` (GCC's ABI): runs fn(data) on a team of
   num_threads threads, the caller included — the team oneDNN's primitives run on. */
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
