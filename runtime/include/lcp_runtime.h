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

/* The message of the last error in this thread. */
const char *lcp_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* LCP_RUNTIME_H */
