/*
 * bench_onednn_conv.c — times ResNet-18's 20 convolutions (torchvision shapes, 224x224) as
 * forward-inference oneDNN primitives, in f32 and in int8 (u8 source, s8 weights, s32 bias,
 * f32 destination), each with a fused ReLU. Used by Scripts/bench/bench-onednn-versions to compare
 * Debian's oneDNN 2.6.3 with PyPI's 3.2 on lapq's workload: the same file builds against
 * either version's headers, the few API differences kept in the "version layer" below.
 *
 *   bench_onednn_conv [--batch N] [--runs R] [--warmup W] [--precision f32|int8|both]
 *                     [--layers N]
 *
 * Defaults: batch 32, 10 timed runs after 2 warm-up runs, both precisions, all 20 layers.
 * Threads come from OMP_NUM_THREADS, the ISA cap from ONEDNN_MAX_CPU_ISA (both read by the
 * library). Prints one `layer ...` line per layer and one `onednn ...` summary line per
 * precision, all key=value fields; any failing call is named on stderr and exits 1. The
 * summary's cpu_s (this process's CPU time so far) lets the caller tell how much of the
 * machine other processes took meanwhile, which on a shared 2-core host matters.
 *
 * Source, destination and weights use format_tag_any, as lapq does, so each version picks
 * its own layouts; the layouts are printed because they explain much of the difference.
 * Only the primitive is timed: weights and sources are reordered into the chosen layouts
 * once, outside the timing, as lapq does at model load.
 */
#include <dnnl.h>
#include <dnnl_debug.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define CHECK(call) check_status((call), #call)

static void check_status(dnnl_status_t status, const char *call) {
    if (status == dnnl_success) return;
    fprintf(stderr, "error: %s failed: %s\n", call, dnnl_status2str(status));
    exit(1);
}

static void *check_alloc(void *p, const char *what) {
    if (p) return p;
    fprintf(stderr, "error: out of memory for %s\n", what);
    exit(1);
}

/* ---- version layer --------------------------------------------------------------------
 * 2.x memory descriptors are structs passed by pointer; 3.x ones are opaque handles that
 * must be destroyed. md_ref is what both versions' functions accept. */

#if DNNL_VERSION_MAJOR >= 3
typedef const_dnnl_memory_desc_t md_ref;
#define MD_REF(md) (md)
#else
typedef const dnnl_memory_desc_t *md_ref;
#define MD_REF(md) (&(md))
#endif

static void md_make(dnnl_memory_desc_t *md, int ndims, const dnnl_dims_t dims,
                    dnnl_data_type_t type, dnnl_format_tag_t tag) {
#if DNNL_VERSION_MAJOR >= 3
    CHECK(dnnl_memory_desc_create_with_tag(md, ndims, dims, type, tag));
#else
    CHECK(dnnl_memory_desc_init_by_tag(md, ndims, dims, type, tag));
#endif
}

static void md_free(dnnl_memory_desc_t *md) {
#if DNNL_VERSION_MAJOR >= 3
    CHECK(dnnl_memory_desc_destroy(*md));
#else
    (void)md;
#endif
}

/* Fills the blocking of md; returns 0 when md is not a blocked layout. */
static int md_blocking(md_ref md, int *ndims, const dnnl_dim_t **strides, int *nblks,
                       const dnnl_dim_t **blks, const dnnl_dim_t **idxs) {
#if DNNL_VERSION_MAJOR >= 3
    dnnl_format_kind_t kind;
    const dnnl_dims_t *s, *b, *i;
    CHECK(dnnl_memory_desc_query(md, dnnl_query_format_kind, &kind));
    if (kind != dnnl_blocked) return 0;
    CHECK(dnnl_memory_desc_query(md, dnnl_query_ndims_s32, ndims));
    CHECK(dnnl_memory_desc_query(md, dnnl_query_strides, &s));
    CHECK(dnnl_memory_desc_query(md, dnnl_query_inner_nblks_s32, nblks));
    CHECK(dnnl_memory_desc_query(md, dnnl_query_inner_blks, &b));
    CHECK(dnnl_memory_desc_query(md, dnnl_query_inner_idxs, &i));
    *strides = *s, *blks = *b, *idxs = *i;
#else
    if (md->format_kind != dnnl_blocked) return 0;
    *ndims = md->ndims;
    *strides = md->format_desc.blocking.strides;
    *nblks = md->format_desc.blocking.inner_nblks;
    *blks = md->format_desc.blocking.inner_blks;
    *idxs = md->format_desc.blocking.inner_idxs;
#endif
    return 1;
}

static void append_relu(dnnl_post_ops_t ops) {
#if DNNL_VERSION_MAJOR >= 3
    CHECK(dnnl_post_ops_append_eltwise(ops, dnnl_eltwise_relu, 0.f, 0.f));
#else
    CHECK(dnnl_post_ops_append_eltwise(ops, 1.f, dnnl_eltwise_relu, 0.f, 0.f));
#endif
}

/* The int8 path dequantizes with src_scale * weights_scale: 2.x takes the product as one
 * output scale fixed at creation, 3.x takes the two factors as runtime arguments. */
static const float SRC_SCALE = 0.02f, WEIGHTS_SCALE = 0.005f;

static void set_int8_scales(dnnl_primitive_attr_t attr) {
#if DNNL_VERSION_MAJOR >= 3
    CHECK(dnnl_primitive_attr_set_scales_mask(attr, DNNL_ARG_SRC, 0));
    CHECK(dnnl_primitive_attr_set_scales_mask(attr, DNNL_ARG_WEIGHTS, 0));
#else
    const float scale = SRC_SCALE * WEIGHTS_SCALE;
    CHECK(dnnl_primitive_attr_set_output_scales(attr, 1, 0, &scale));
#endif
}

static dnnl_primitive_desc_t conv_pd_create(dnnl_engine_t engine, md_ref src, md_ref wei,
                                            md_ref bias, md_ref dst, const dnnl_dims_t strides,
                                            const dnnl_dims_t pad, dnnl_primitive_attr_t attr) {
    dnnl_primitive_desc_t pd;
#if DNNL_VERSION_MAJOR >= 3
    const dnnl_dims_t no_dilation = {0, 0};
    CHECK(dnnl_convolution_forward_primitive_desc_create(&pd, engine, dnnl_forward_inference,
        dnnl_convolution_direct, src, wei, bias, dst, strides, no_dilation, pad, pad, attr));
#else
    dnnl_convolution_desc_t desc;
    CHECK(dnnl_convolution_forward_desc_init(&desc, dnnl_forward_inference,
        dnnl_convolution_direct, src, wei, bias, dst, strides, pad, pad));
    CHECK(dnnl_primitive_desc_create(&pd, &desc, attr, engine, NULL));
#endif
    return pd;
}

/* ---- the workload ---------------------------------------------------------------------- */

typedef struct {
    const char *name;
    int ic, oc, in, k, stride, pad;
} layer_t;

/* torchvision resnet18: stem, then per stage two basic blocks; the first block of stages
 * 2-4 halves the resolution and has a 1x1 stride-2 downsample. */
static const layer_t LAYERS[] = {
    {"conv1", 3, 64, 224, 7, 2, 3},
    {"layer1.0.conv1", 64, 64, 56, 3, 1, 1}, {"layer1.0.conv2", 64, 64, 56, 3, 1, 1},
    {"layer1.1.conv1", 64, 64, 56, 3, 1, 1}, {"layer1.1.conv2", 64, 64, 56, 3, 1, 1},
    {"layer2.0.conv1", 64, 128, 56, 3, 2, 1}, {"layer2.0.conv2", 128, 128, 28, 3, 1, 1},
    {"layer2.0.downsample", 64, 128, 56, 1, 2, 0},
    {"layer2.1.conv1", 128, 128, 28, 3, 1, 1}, {"layer2.1.conv2", 128, 128, 28, 3, 1, 1},
    {"layer3.0.conv1", 128, 256, 28, 3, 2, 1}, {"layer3.0.conv2", 256, 256, 14, 3, 1, 1},
    {"layer3.0.downsample", 128, 256, 28, 1, 2, 0},
    {"layer3.1.conv1", 256, 256, 14, 3, 1, 1}, {"layer3.1.conv2", 256, 256, 14, 3, 1, 1},
    {"layer4.0.conv1", 256, 512, 14, 3, 2, 1}, {"layer4.0.conv2", 512, 512, 7, 3, 1, 1},
    {"layer4.0.downsample", 256, 512, 14, 1, 2, 0},
    {"layer4.1.conv1", 512, 512, 7, 3, 1, 1}, {"layer4.1.conv2", 512, 512, 7, 3, 1, 1},
};
#define NLAYERS ((int)(sizeof LAYERS / sizeof LAYERS[0]))

static int out_size(const layer_t *l) { return (l->in + 2 * l->pad - l->k) / l->stride + 1; }

typedef struct {
    const char *name;
    dnnl_data_type_t src, wei, bias, dst;
} precision_t;

static const precision_t F32 = {"f32", dnnl_f32, dnnl_f32, dnnl_f32, dnnl_f32};
static const precision_t INT8 = {"int8", dnnl_u8, dnnl_s8, dnnl_s32, dnnl_f32};

static int is_int8(const precision_t *p) { return p->src == dnnl_u8; }

typedef struct {
    int batch, runs, warmup, layers;
    const char *precision; /* f32, int8 or both */
} options_t;

typedef struct {
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    char version[32], isa[64];
    int threads;
} context_t;

/* ---- memory ------------------------------------------------------------------------------ */

static dnnl_memory_t mem_new(const context_t *ctx, md_ref md) {
    dnnl_memory_t mem;
    CHECK(dnnl_memory_create(&mem, md, ctx->engine, DNNL_MEMORY_ALLOCATE));
    return mem;
}

static void *mem_data(dnnl_memory_t mem) {
    void *data;
    CHECK(dnnl_memory_get_data_handle(mem, &data));
    return data;
}

/* Fixed pseudo-random data (an LCG), the same every run. The kernels' speed does not depend
 * on the values, as long as f32 ones stay clear of denormals, which these do. */
static void fill(void *data, size_t bytes, dnnl_data_type_t type) {
    uint32_t state = 12345u;
    size_t n = type == dnnl_u8 || type == dnnl_s8 ? bytes : bytes / 4;
    for (size_t i = 0; i < n; i++) {
        state = state * 1664525u + 1013904223u;
        int r = (int)(state >> 24); /* 0..255 */
        switch (type) {
        case dnnl_u8: ((uint8_t *)data)[i] = (uint8_t)r; break;
        case dnnl_s8: ((int8_t *)data)[i] = (int8_t)(r - 128); break;
        case dnnl_s32: ((int32_t *)data)[i] = (r - 128) * 64; break;
        default: ((float *)data)[i] = (float)(r - 128) / 128.f; break;
        }
    }
}

static void reorder(const context_t *ctx, dnnl_memory_t from, md_ref from_md,
                    dnnl_memory_t to, md_ref to_md) {
    dnnl_primitive_desc_t pd;
    dnnl_primitive_t prim;
    CHECK(dnnl_reorder_primitive_desc_create(&pd, from_md, ctx->engine, to_md, ctx->engine,
                                             NULL));
    CHECK(dnnl_primitive_create(&prim, pd));
    dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
    CHECK(dnnl_primitive_execute(prim, ctx->stream, 2, args));
    CHECK(dnnl_stream_wait(ctx->stream));
    CHECK(dnnl_primitive_destroy(prim));
    CHECK(dnnl_primitive_desc_destroy(pd));
}

/* Data made in the plain layout a caller would hold (nchw, oihw, x), then reordered once into
 * the layout the primitive chose, which also zero-fills any channel padding of blocked ones. */
static dnnl_memory_t plain_into(const context_t *ctx, int ndims, const dnnl_dims_t dims,
                                dnnl_data_type_t type, dnnl_format_tag_t tag, md_ref chosen) {
    dnnl_memory_desc_t plain;
    md_make(&plain, ndims, dims, type, tag);
    dnnl_memory_t staged = mem_new(ctx, MD_REF(plain));
    fill(mem_data(staged), dnnl_memory_desc_get_size(MD_REF(plain)), type);
    dnnl_memory_t result = staged;
    if (!dnnl_memory_desc_equal(MD_REF(plain), chosen)) {
        result = mem_new(ctx, chosen);
        reorder(ctx, staged, MD_REF(plain), result, chosen);
        CHECK(dnnl_memory_destroy(staged));
    }
    md_free(&plain);
    return result;
}

/* ---- reporting -------------------------------------------------------------------------- */

/* oneDNN's own notation (as in ONEDNN_VERBOSE): dims outermost first by stride, letters a..
 * for logical dims, capitals for blocked ones, then the inner blocks, e.g. acdb is nhwc and
 * aBcd8b is nChw8c. */
static void layout_str(md_ref md, char *out, size_t size) {
    int ndims, nblks, order[DNNL_MAX_NDIMS], blocked[DNNL_MAX_NDIMS] = {0};
    const dnnl_dim_t *strides, *blks, *idxs;
    if (!md_blocking(md, &ndims, &strides, &nblks, &blks, &idxs)) {
        snprintf(out, size, "non-blocked");
        return;
    }
    for (int b = 0; b < nblks; b++) blocked[idxs[b]] = 1;
    for (int d = 0; d < ndims; d++) order[d] = d;
    for (int i = 1; i < ndims; i++) /* insertion sort: stride descending, stable */
        for (int j = i; j > 0 && strides[order[j]] > strides[order[j - 1]]; j--) {
            int t = order[j]; order[j] = order[j - 1]; order[j - 1] = t;
        }
    size_t n = 0;
    for (int i = 0; i < ndims && n < size; i++)
        n += snprintf(out + n, size - n, "%c", (blocked[order[i]] ? 'A' : 'a') + order[i]);
    for (int b = 0; b < nblks && n < size; b++)
        n += snprintf(out + n, size - n, "%lld%c", (long long)blks[b], 'a' + (int)idxs[b]);
}

static const char *impl_name(const_dnnl_primitive_desc_t pd) {
    const char *name;
    CHECK(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name));
    return name;
}

static md_ref pd_md(const_dnnl_primitive_desc_t pd, dnnl_query_t what, int index) {
    md_ref md = dnnl_primitive_desc_query_md(pd, what, index);
    if (!md) {
        fprintf(stderr, "error: dnnl_primitive_desc_query_md(%d, %d) failed\n", what, index);
        exit(1);
    }
    return md;
}

/* ---- one layer --------------------------------------------------------------------------- */

static dnnl_primitive_attr_t make_attr(const precision_t *p) {
    dnnl_primitive_attr_t attr;
    dnnl_post_ops_t ops;
    CHECK(dnnl_primitive_attr_create(&attr));
    CHECK(dnnl_post_ops_create(&ops));
    append_relu(ops);
    CHECK(dnnl_primitive_attr_set_post_ops(attr, ops));
    CHECK(dnnl_post_ops_destroy(ops));
    if (is_int8(p)) set_int8_scales(attr);
    return attr;
}

typedef struct {
    dnnl_dims_t src, wei, bias, dst;
} shapes_t;

static shapes_t layer_shapes(const layer_t *l, int batch) {
    int o = out_size(l);
    shapes_t s = {{batch, l->ic, l->in, l->in}, {l->oc, l->ic, l->k, l->k}, {l->oc},
                  {batch, l->oc, o, o}};
    return s;
}

static dnnl_primitive_desc_t make_conv(const context_t *ctx, const layer_t *l,
                                       const precision_t *p, const shapes_t *s) {
    dnnl_memory_desc_t src, wei, bias, dst;
    md_make(&src, 4, s->src, p->src, dnnl_format_tag_any);
    md_make(&wei, 4, s->wei, p->wei, dnnl_format_tag_any);
    md_make(&bias, 1, s->bias, p->bias, dnnl_x);
    md_make(&dst, 4, s->dst, p->dst, dnnl_format_tag_any);
    const dnnl_dims_t strides = {l->stride, l->stride}, pad = {l->pad, l->pad};
    dnnl_primitive_attr_t attr = make_attr(p);
    dnnl_primitive_desc_t pd = conv_pd_create(ctx->engine, MD_REF(src), MD_REF(wei),
        MD_REF(bias), MD_REF(dst), strides, pad, attr);
    CHECK(dnnl_primitive_attr_destroy(attr));
    md_free(&src), md_free(&wei), md_free(&bias), md_free(&dst);
    return pd;
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median and fastest of the timed runs. The median is the figure reported; the fastest is
 * printed beside it because on a shared host it is the least disturbed by other work. */
typedef struct {
    double median, best;
} timing_t;

static timing_t time_runs(const context_t *ctx, dnnl_primitive_t prim, int nargs,
                          const dnnl_exec_arg_t *args, const options_t *opt) {
    for (int i = 0; i < opt->warmup; i++) {
        CHECK(dnnl_primitive_execute(prim, ctx->stream, nargs, args));
        CHECK(dnnl_stream_wait(ctx->stream));
    }
    double *times = check_alloc(malloc(sizeof(double) * opt->runs), "timings");
    for (int i = 0; i < opt->runs; i++) {
        double t0 = now_ms();
        CHECK(dnnl_primitive_execute(prim, ctx->stream, nargs, args));
        CHECK(dnnl_stream_wait(ctx->stream));
        times[i] = now_ms() - t0;
    }
    qsort(times, opt->runs, sizeof(double), cmp_double);
    int h = opt->runs / 2;
    timing_t t = {opt->runs % 2 ? times[h] : (times[h - 1] + times[h]) / 2, times[0]};
    free(times);
    return t;
}

static void print_layer(const context_t *ctx, const precision_t *p, const options_t *opt,
                        int index, const_dnnl_primitive_desc_t pd, timing_t t) {
    const layer_t *l = &LAYERS[index];
    char src[64], wei[64], dst[64];
    layout_str(pd_md(pd, dnnl_query_src_md, 0), src, sizeof src);
    layout_str(pd_md(pd, dnnl_query_weights_md, 0), wei, sizeof wei);
    layout_str(pd_md(pd, dnnl_query_dst_md, 0), dst, sizeof dst);
    printf("layer version=%s precision=%s threads=%d batch=%d index=%d name=%s ic=%d oc=%d "
           "in=%d k=%d stride=%d ms=%.3f best_ms=%.3f impl=%s src=%s wei=%s dst=%s\n",
           ctx->version, p->name, ctx->threads, opt->batch, index, l->name, l->ic, l->oc, l->in,
           l->k, l->stride, t.median, t.best, impl_name(pd), src, wei, dst);
}

#if DNNL_VERSION_MAJOR >= 3
static dnnl_memory_t scalar_f32(const context_t *ctx, float value) {
    dnnl_memory_desc_t md;
    const dnnl_dims_t one = {1};
    md_make(&md, 1, one, dnnl_f32, dnnl_a);
    dnnl_memory_t mem = mem_new(ctx, MD_REF(md));
    *(float *)mem_data(mem) = value;
    md_free(&md);
    return mem;
}
#endif

/* 3.x takes the int8 scales at execution, as memories (2.x has them in the attributes);
 * appends them to args and returns the new count. */
static int add_scale_args(const context_t *ctx, const precision_t *p, dnnl_exec_arg_t *args,
                          int nargs) {
#if DNNL_VERSION_MAJOR >= 3
    if (!is_int8(p)) return nargs;
    args[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_ATTR_SCALES | DNNL_ARG_SRC,
                                      scalar_f32(ctx, SRC_SCALE)};
    args[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_ATTR_SCALES | DNNL_ARG_WEIGHTS,
                                      scalar_f32(ctx, WEIGHTS_SCALE)};
#else
    (void)ctx, (void)p, (void)args;
#endif
    return nargs;
}

/* Creates the primitive and its operands, times it, prints the layer line, frees all. */
static timing_t bench_layer(const context_t *ctx, const precision_t *p, const options_t *opt,
                            int index) {
    const layer_t *l = &LAYERS[index];
    shapes_t s = layer_shapes(l, opt->batch);
    dnnl_primitive_desc_t pd = make_conv(ctx, l, p, &s);
    dnnl_primitive_t prim;
    CHECK(dnnl_primitive_create(&prim, pd));
    dnnl_exec_arg_t args[6] = {
        {DNNL_ARG_SRC, plain_into(ctx, 4, s.src, p->src, dnnl_nchw,
                                  pd_md(pd, dnnl_query_src_md, 0))},
        {DNNL_ARG_WEIGHTS, plain_into(ctx, 4, s.wei, p->wei, dnnl_oihw,
                                      pd_md(pd, dnnl_query_weights_md, 0))},
        {DNNL_ARG_BIAS, plain_into(ctx, 1, s.bias, p->bias, dnnl_x,
                                   pd_md(pd, dnnl_query_weights_md, 1))},
        {DNNL_ARG_DST, mem_new(ctx, pd_md(pd, dnnl_query_dst_md, 0))},
    };
    int nargs = add_scale_args(ctx, p, args, 4);
    timing_t t = time_runs(ctx, prim, nargs, args, opt);
    print_layer(ctx, p, opt, index, pd, t);
    for (int i = 0; i < nargs; i++) CHECK(dnnl_memory_destroy(args[i].memory));
    CHECK(dnnl_primitive_destroy(prim));
    CHECK(dnnl_primitive_desc_destroy(pd));
    return t;
}

static double process_cpu_s(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

static void bench_precision(const context_t *ctx, const precision_t *p, const options_t *opt) {
    timing_t total = {0, 0};
    for (int i = 0; i < opt->layers; i++) {
        timing_t t = bench_layer(ctx, p, opt, i);
        total.median += t.median, total.best += t.best;
    }
    printf("onednn version=%s precision=%s threads=%d batch=%d runs=%d layers=%d ms=%.3f "
           "img/s=%.2f best_ms=%.3f best_img/s=%.2f isa=%s cpu_s=%.2f\n",
           ctx->version, p->name, ctx->threads, opt->batch, opt->runs, opt->layers, total.median,
           opt->batch / (total.median / 1e3), total.best, opt->batch / (total.best / 1e3),
           ctx->isa, process_cpu_s());
    fflush(stdout);
}

/* ---- setup ------------------------------------------------------------------------------ */

static int int_arg(const char *flag, const char *value, int min) {
    char *end;
    long v = value ? strtol(value, &end, 10) : 0;
    if (!value || *end || v < min) {
        fprintf(stderr, "error: %s needs an integer >= %d\n", flag, min);
        exit(2);
    }
    return (int)v;
}

static void usage(const char *program) {
    fprintf(stderr, "usage: %s [--batch N] [--runs R] [--warmup W] "
                    "[--precision f32|int8|both] [--layers N]\n", program);
    exit(2);
}

static options_t parse_options(int argc, char **argv) {
    options_t o = {32, 10, 2, NLAYERS, "both"};
    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i], *value = i + 1 < argc ? argv[++i] : NULL;
        if (!strcmp(flag, "--batch")) o.batch = int_arg(flag, value, 1);
        else if (!strcmp(flag, "--runs")) o.runs = int_arg(flag, value, 1);
        else if (!strcmp(flag, "--warmup")) o.warmup = int_arg(flag, value, 0);
        else if (!strcmp(flag, "--layers")) o.layers = int_arg(flag, value, 1);
        else if (!strcmp(flag, "--precision") && value) o.precision = value;
        else usage(argv[0]);
    }
    if (strcmp(o.precision, "f32") && strcmp(o.precision, "int8") && strcmp(o.precision, "both"))
        usage(argv[0]);
    if (o.layers > NLAYERS) o.layers = NLAYERS;
    return o;
}

/* The runtime version, not the header's, so a binary that loaded the wrong libdnnl says so;
 * a major mismatch would break the struct/handle layer above, so it is fatal. */
static context_t make_context(void) {
    context_t ctx;
    const dnnl_version_t *v = dnnl_version();
    if (v->major != DNNL_VERSION_MAJOR) {
        fprintf(stderr, "error: built for oneDNN %d, loaded %d.%d.%d\n", DNNL_VERSION_MAJOR,
                v->major, v->minor, v->patch);
        exit(1);
    }
    snprintf(ctx.version, sizeof ctx.version, "%d.%d.%d", v->major, v->minor, v->patch);
    snprintf(ctx.isa, sizeof ctx.isa, "%s", dnnl_cpu_isa2str(dnnl_get_effective_cpu_isa()));
    for (char *c = ctx.isa; *c; c++)
        if (*c == ' ') *c = '_';
    ctx.threads = omp_get_max_threads();
    CHECK(dnnl_engine_create(&ctx.engine, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&ctx.stream, ctx.engine, dnnl_stream_default_flags));
    return ctx;
}

int main(int argc, char **argv) {
    options_t opt = parse_options(argc, argv);
    int both = !strcmp(opt.precision, "both");
    context_t ctx = make_context();
    if (both || !strcmp(opt.precision, "int8")) bench_precision(&ctx, &INT8, &opt);
    if (both || !strcmp(opt.precision, "f32")) bench_precision(&ctx, &F32, &opt);
    CHECK(dnnl_stream_destroy(ctx.stream));
    CHECK(dnnl_engine_destroy(ctx.engine));
    return 0;
}
