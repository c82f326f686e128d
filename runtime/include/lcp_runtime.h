/*===- lcp_runtime.h - The lcp runtime's C API ----------------------------===*
 *
 * Loads a package written by lcp-compile and runs it. Every function
 * returns LCP_OK or an error code; lcp_last_error() then says what went
 * wrong, naming the file and the problem.
 *
 *   lcp_model *model;
 *   if (lcp_model_load("out/pkg", &model) != LCP_OK) {
 *     fprintf(stderr, "%s\n", lcp_last_error());
 *     return 1;
 *   }
 *   const float *inputs[] = {image};
 *   float *outputs[] = {logits};
 *   lcp_model_run(model, inputs, outputs);
 *   lcp_model_free(model);
 *
 *===----------------------------------------------------------------------===*/

#ifndef LCP_RUNTIME_H
#define LCP_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lcp_status {
  LCP_OK = 0,
  LCP_ERROR_IO = 1,        /* a file is missing or unreadable */
  LCP_ERROR_FORMAT = 2,    /* a file is corrupt or not what it claims */
  LCP_ERROR_ARGUMENT = 3,  /* a bad argument (index, shape, null pointer) */
  LCP_ERROR_EXECUTION = 4  /* a unit failed while running */
} lcp_status;

/* One compiled unit, as the package's cpu/model_units.c lists them: `argv`
 * is the Halide pipeline's entry taking an array of buffer pointers
 * (inputs, weights, outputs, in the manifest's order). */
typedef struct lcp_unit_entry {
  const char *id;
  int (*argv)(void **args);
} lcp_unit_entry;

typedef struct lcp_model lcp_model;

/* Loads the package in `package_dir`, finding the unit code in its
 * cpu/libmodel.so. */
lcp_status lcp_model_load(const char *package_dir, lcp_model **model);

/* Loads the package's manifest and weights but takes the unit code from a
 * table linked into the program (cpu/libmodel.a defines
 * `lcp_model_units` and `lcp_model_num_units`). */
lcp_status lcp_model_load_linked(const char *package_dir,
                                 const lcp_unit_entry *units, int num_units,
                                 lcp_model **model);

void lcp_model_free(lcp_model *model);

/* Inputs and outputs of the model: count, name, rank and shape (f32). */
int lcp_model_num_inputs(const lcp_model *model);
int lcp_model_num_outputs(const lcp_model *model);
const char *lcp_model_input_name(const lcp_model *model, int index);
const char *lcp_model_output_name(const lcp_model *model, int index);
int lcp_model_input_rank(const lcp_model *model, int index);
int lcp_model_output_rank(const lcp_model *model, int index);
const int64_t *lcp_model_input_shape(const lcp_model *model, int index);
const int64_t *lcp_model_output_shape(const lcp_model *model, int index);

/* How branches run: 1 runs units one after another; more runs
 * independent branches in parallel on that many threads. */
lcp_status lcp_model_set_threads(lcp_model *model, int threads);

/* Runs the model: inputs[i] and outputs[i] point to dense row-major f32
 * arrays of the shapes above. A model runs one inference at a time (it
 * owns the inference's buffers): threads that share a model take turns,
 * threads with models of their own may run at once. */
lcp_status lcp_model_run(lcp_model *model, const float *const *inputs,
                         float *const *outputs);

/* Several inferences at once: lcp_model_run_many keeps up to `count`
 * in flight (each with buffers of its own), so that with distributed
 * execution one inference's branches run on the workers while another's
 * merge runs here, and pipelined stages overlap. Default 1. */
lcp_status lcp_model_set_in_flight(lcp_model *model, int count);

/* Runs `count` inferences: inputs[k * num_inputs + i] is input i of
 * inference k, outputs[k * num_outputs + j] its output j. Returns when all
 * are done; on failure the first error. */
lcp_status lcp_model_run_many(lcp_model *model, int count,
                              const float *const *inputs,
                              float *const *outputs);

/* Distributed execution: the package's units placed on other devices (or,
 * for an unplaced package, its branches) run on lcp-workers, which receive
 * the package's code and weights from this process. */
typedef struct lcp_distributed_options {
  /* Comma-separated "host:port" (taking the placement's devices in order)
   * or "device=host:port". */
  const char *workers;
  /* The workers' shared token, or NULL. Required off loopback. */
  const char *token;
  /* PEM file of the authority that signed the workers' TLS certificates,
   * or NULL for plaintext (loopback only, unless insecure). */
  const char *tls_ca;
  /* Non-zero allows non-loopback workers without TLS and token. */
  int insecure;
  /* Deadline of one call to a worker in milliseconds (0: 10000); a worker
   * that misses it is routed around. */
  int deadline_ms;
  /* Emulation only: milliseconds added before each request to a worker and
   * after each reply, for a link latency the machine cannot shape
   * (bench/distributed). 0 for real links. */
  double emulated_latency_ms;
} lcp_distributed_options;

/* As lcp_model_load, and connects to the workers of `options`. A worker
 * that fails, times out or answers wrongly has its units run again on
 * another worker or here; one that comes back rejoins. Returns
 * LCP_ERROR_ARGUMENT for bad options, a worker that refuses the token or
 * cannot run the package's code, and when the runtime was built without
 * gRPC. */
lcp_status lcp_model_load_distributed(const char *package_dir,
                                      const lcp_distributed_options *options,
                                      lcp_model **model);

typedef struct lcp_distributed_stats {
  int workers, live;
  uint64_t calls;     /* answered Run calls */
  uint64_t failures;  /* calls that failed, timed out or answered wrongly */
  uint64_t failovers; /* unit groups run elsewhere than their own worker */
  uint64_t bytes_sent, bytes_received; /* tensor bytes */
} lcp_distributed_stats;

/* What the workers did so far; all zero for a model that is not
 * distributed. */
lcp_status lcp_model_distributed_stats(const lcp_model *model,
                                       lcp_distributed_stats *stats);

typedef struct lcp_worker_stats {
  const char *address; /* valid while the model lives */
  int live;
  uint64_t joins;            /* times it became live; >1 after rejoining */
  uint64_t calls;            /* Run calls it answered */
  uint64_t calls_since_join; /* ... since it last became live */
  uint64_t failures;
} lcp_worker_stats;

/* One worker's part: index from 0 to lcp_distributed_stats.workers - 1. */
lcp_status lcp_model_worker_stats(const lcp_model *model, int index,
                                  lcp_worker_stats *stats);

/* The message of the last error in this thread. */
const char *lcp_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* LCP_RUNTIME_H */
