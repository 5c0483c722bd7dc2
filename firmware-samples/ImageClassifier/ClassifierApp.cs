using System;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Native;

namespace TinyDsc.Samples.ImageClassifier
{
    /// <summary>
    /// The sample's program logic: loads the embedded model, classifies every embedded image and prints one line
    /// per image ("image 0: Ankle boot, score 7.42, label Ankle boot, 512.3 ms") and a summary line.
    /// </summary>
    public static class ClassifierApp
    {
        /// <summary>Line prefix of the per-image lines.</summary>
        public const string ImagePrefix = "image ";

        /// <summary>Returns the number of images whose predicted class equals their label (managed kernels).</summary>
        public static int Run(ILog log)
        {
            return Run(log, null);
        }

        /// <summary>
        /// As Run, on nativeKernels where they are available (the device's Program passes FirmwareKernels); prints
        /// "kernels: native" or "kernels: managed" after the arena line.
        /// </summary>
        public static int Run(ILog log, INativeKernels nativeKernels)
        {
            log.WriteLine("TinyDsc ImageClassifier: " + EmbeddedModel.ModelLength.ToString() + " model bytes in "
                + EmbeddedModel.ChunkCount.ToString() + " chunks, " + EmbeddedModel.InputCount.ToString() + " images");
            Classifier classifier = new Classifier(LoadModel(), EmbeddedModel.ClassNames(), nativeKernels);
            log.WriteLine("arena " + classifier.ArenaBytes.ToString() + " bytes, scratch " + classifier.ScratchBytes.ToString() + " bytes");
            log.WriteLine("kernels: " + (classifier.UsesNativeKernels ? "native" : "managed"));

            int correct = 0;
            long totalTicks = 0;
            for (int i = 0; i < EmbeddedModel.InputCount; i++)
            {
                sbyte[] image = EmbeddedModel.Input(i);
                int label = EmbeddedModel.Label(i);
                long start = DateTime.UtcNow.Ticks;
                int predicted = classifier.Classify(image);
                long ticks = DateTime.UtcNow.Ticks - start;
                totalTicks += ticks;
                if (predicted == label)
                {
                    correct++;
                }

                log.WriteLine(ImagePrefix + i.ToString() + ": " + classifier.ClassName(predicted) + ", score "
                    + Text.Fixed2(classifier.LastScore) + ", label " + classifier.ClassName(label) + ", "
                    + Text.Milliseconds(ticks) + " ms");
            }

            long mean = EmbeddedModel.InputCount > 0 ? totalTicks / EmbeddedModel.InputCount : 0;
            log.WriteLine("correct " + correct.ToString() + " of " + EmbeddedModel.InputCount.ToString() + ", "
                + Text.Milliseconds(mean) + " ms per inference on average");
            return correct;
        }

        /// <summary>
        /// Loads the embedded model through its streamed source: the reader requests the file chunk by chunk and each
        /// chunk is built from its array initialiser on request, so the heap holds the loaded model plus one chunk
        /// (and the copy of the header and tables), never the whole file next to the model.
        /// </summary>
        /// <exception cref="ModelFormatException">The embedded bytes are not a valid .tdsc file.</exception>
        public static Model LoadModel()
        {
            return ModelReader.Load(EmbeddedModel.ModelSource());
        }
    }
}
