/*===- classify.c - A device app that runs an lcp package ------------------===*
 *
 * Links the package's cpu/libmodel.a and the lcp runtime, loads the
 * package's manifest and weights, and classifies one input given as raw
 * little-endian float32 values:
 *
 *   classify PACKAGE_DIR input.f32
 *
 * It prints the logits and the index of the largest.
 *
 *===----------------------------------------------------------------------===*/

#include "lcp_runtime.h"
#include "model.h"

#include <stdio.h>
#include <stdlib.h>

static int64_t count(const int64_t *shape, int rank) {
  int64_t n = 1;
  for (int i = 0; i < rank; ++i)
    n *= shape[i];
  return n;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s PACKAGE_DIR input.f32\n", argv[0]);
    return 2;
  }
  lcp_model *model;
  if (lcp_model_load_linked(argv[1], lcp_model_units, lcp_model_num_units,
                            &model) != LCP_OK) {
    fprintf(stderr, "error: %s\n", lcp_last_error());
    return 1;
  }
  int64_t in_count = count(lcp_model_input_shape(model, 0),
                           lcp_model_input_rank(model, 0));
  int64_t out_count = count(lcp_model_output_shape(model, 0),
                            lcp_model_output_rank(model, 0));
  float *input = malloc(in_count * sizeof(float));
  float *output = malloc(out_count * sizeof(float));
  FILE *file = fopen(argv[2], "rb");
  if (!file || fread(input, sizeof(float), in_count, file) != (size_t)in_count) {
    fprintf(stderr, "error: %s: cannot read %lld floats\n", argv[2],
            (long long)in_count);
    return 1;
  }
  fclose(file);

  const float *inputs[] = {input};
  float *outputs[] = {output};
  if (lcp_model_run(model, inputs, outputs) != LCP_OK) {
    fprintf(stderr, "error: %s\n", lcp_last_error());
    return 1;
  }
  int best = 0;
  for (int64_t i = 0; i < out_count; ++i) {
    printf("%.9g%s", output[i], i + 1 < out_count ? " " : "\n");
    if (output[i] > output[best])
      best = (int)i;
  }
  printf("class %d\n", best);
  lcp_model_free(model);
  free(input);
  free(output);
  return 0;
}
