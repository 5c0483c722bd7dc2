// TinyDsc's TFLM lane: runs a .tflite model with TensorFlow Lite Micro's reference interpreter on raw int8 inputs.
//
//   tflm_runner MODEL.tflite INPUTS.bin OUTPUTS.bin [--tensor INDEX]
//
// INPUTS.bin holds N inputs back to back, each exactly the byte size of the model's input tensor 0 (its own
// type, normally int8, NHWC as the .tflite declares it). Each is copied into the input tensor, Invoke() runs, and
// the bytes of output tensor 0 (or, with --tensor, of tensor INDEX of subgraph 0, read through
// preserve_all_tensors) are appended to OUTPUTS.bin. Prints one line to stdout:
//   arena_used_bytes=<n> inputs=<N> input_bytes=<b> output_bytes=<b>
// Exit code 0 on success, 1 with a one-line message on stderr otherwise.
// Only the ops TinyDsc imports are registered (tools/tflm/README.md).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tensorflow/lite/micro/memory_helpers.h"
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/micro/system_setup.h"
#include "tensorflow/lite/schema/schema_generated.h"

namespace {

bool ReadFile(const char* path, std::vector<unsigned char>* bytes) {
  FILE* f = std::fopen(path, "rb");
  if (f == nullptr) return false;
  unsigned char buffer[65536];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), f)) > 0) bytes->insert(bytes->end(), buffer, buffer + n);
  bool ok = std::ferror(f) == 0;
  std::fclose(f);
  return ok;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "tflm_runner: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && !(argc == 6 && std::strcmp(argv[4], "--tensor") == 0)) {
    return Fail("usage: tflm_runner MODEL.tflite INPUTS.bin OUTPUTS.bin [--tensor INDEX]");
  }
  int tensor_index = argc == 6 ? std::atoi(argv[5]) : -1;
  std::vector<unsigned char> model_bytes;
  std::vector<unsigned char> inputs;
  if (!ReadFile(argv[1], &model_bytes)) return Fail(std::string("cannot read model ") + argv[1]);
  if (!ReadFile(argv[2], &inputs)) return Fail(std::string("cannot read inputs ") + argv[2]);

  // The flatbuffer must stay alive and 16-byte aligned for the interpreter's lifetime.
  std::vector<unsigned char> aligned(model_bytes.size() + 16);
  unsigned char* model_data =
      aligned.data() + ((16 - (reinterpret_cast<uintptr_t>(aligned.data()) & 15)) & 15);
  std::memcpy(model_data, model_bytes.data(), model_bytes.size());

  tflite::InitializeTarget();
  const tflite::Model* model = tflite::GetModel(model_data);
  if (model->version() != TFLITE_SCHEMA_VERSION) return Fail("model schema version is not " + std::to_string(TFLITE_SCHEMA_VERSION));

  tflite::MicroMutableOpResolver<17> resolver;
  resolver.AddAdd();
  resolver.AddAveragePool2D();
  resolver.AddConcatenation();
  resolver.AddConv2D();
  resolver.AddDepthwiseConv2D();
  resolver.AddDequantize();
  resolver.AddFullyConnected();
  resolver.AddHardSwish();
  resolver.AddLogistic();
  resolver.AddMaxPool2D();
  resolver.AddMean();
  resolver.AddMul();
  resolver.AddPad();
  resolver.AddPrelu();
  resolver.AddQuantize();
  resolver.AddReshape();
  resolver.AddSoftmax();

  // 8 MB is far more than any MCU model needs; arena_used_bytes reports what the model really took.
  static const size_t kArenaSize = 8 * 1024 * 1024;
  std::vector<unsigned char> arena_storage(kArenaSize + 16);
  unsigned char* arena =
      arena_storage.data() + ((16 - (reinterpret_cast<uintptr_t>(arena_storage.data()) & 15)) & 15);
  tflite::MicroInterpreter interpreter(model, resolver, arena, kArenaSize, nullptr, nullptr,
                                       tensor_index >= 0);
  if (interpreter.AllocateTensors() != kTfLiteOk) return Fail("AllocateTensors failed");

  TfLiteTensor* input = interpreter.input(0);
  size_t input_bytes = input->bytes;
  if (input_bytes == 0 || inputs.size() % input_bytes != 0) {
    return Fail("inputs file has " + std::to_string(inputs.size()) + " bytes, not a multiple of the input tensor's " +
                std::to_string(input_bytes));
  }
  size_t count = inputs.size() / input_bytes;
  FILE* out = std::fopen(argv[3], "wb");
  if (out == nullptr) return Fail(std::string("cannot write ") + argv[3]);
  size_t output_bytes = 0;
  for (size_t i = 0; i < count; ++i) {
    std::memcpy(input->data.raw, inputs.data() + i * input_bytes, input_bytes);
    if (interpreter.Invoke() != kTfLiteOk) {
      std::fclose(out);
      return Fail("Invoke failed on input " + std::to_string(i));
    }
    const void* data;
    if (tensor_index >= 0) {
      TfLiteEvalTensor* t = interpreter.GetTensor(tensor_index);
      if (t == nullptr) {
        std::fclose(out);
        return Fail("no tensor " + std::to_string(tensor_index));
      }
      size_t elements = 1;
      for (int d = 0; d < t->dims->size; ++d) elements *= static_cast<size_t>(t->dims->data[d]);
      size_t element_size = 0;
      if (tflite::TfLiteTypeSizeOf(t->type, &element_size) != kTfLiteOk) {
        std::fclose(out);
        return Fail("tensor " + std::to_string(tensor_index) + " has a type of unknown size");
      }
      output_bytes = elements * element_size;
      data = t->data.raw;
    } else {
      TfLiteTensor* output = interpreter.output(0);
      output_bytes = output->bytes;
      data = output->data.raw;
    }
    if (std::fwrite(data, 1, output_bytes, out) != output_bytes) {
      std::fclose(out);
      return Fail(std::string("cannot write ") + argv[3]);
    }
  }
  if (std::fclose(out) != 0) return Fail(std::string("cannot write ") + argv[3]);
  std::printf("arena_used_bytes=%zu inputs=%zu input_bytes=%zu output_bytes=%zu\n", interpreter.arena_used_bytes(), count,
              input_bytes, output_bytes);
  return 0;
}
