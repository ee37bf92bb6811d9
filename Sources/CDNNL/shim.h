#include <oneapi/dnnl/dnnl.h>

/* Debian's libdnnl is built with DNNL_CPU_RUNTIME == DNNL_RUNTIME_OMP (GNU libgomp), so its
   thread count is OpenMP's per-thread nthreads-var. Declared here rather than including
   <omp.h>, which Debian ships only inside GCC's private include directory. */
void omp_set_num_threads(int num_threads);
int omp_get_max_threads(void);
