using System;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Native;

namespace TinyDsc.Samples.ImageClassifier
{
    /// <summary>
    /// An int8 image classifier over a loaded model: one interpreter, one reusable score buffer.
    /// Classify allocates nothing.
    /// </summary>
    public sealed class Classifier
    {
        private readonly Interpreter interpreter;
        private readonly string[] classNames;
        private readonly float[] scores;
        private float lastScore;

        /// <exception cref="ArgumentException">The number of class names differs from the model's output length.</exception>
        public Classifier(Model model, string[] classNames) : this(model, classNames, null)
        {
        }

        /// <summary>As Classifier(model, classNames), on nativeKernels where they are available (null: managed).</summary>
        /// <exception cref="ArgumentException">The number of class names differs from the model's output length.</exception>
        public Classifier(Model model, string[] classNames, INativeKernels nativeKernels)
        {
            interpreter = new Interpreter(model, nativeKernels);
            if (classNames.Length != interpreter.OutputLength)
            {
                throw new ArgumentException("model has " + interpreter.OutputLength.ToString() + " outputs but "
                    + classNames.Length.ToString() + " class names were given", "classNames");
            }

            this.classNames = classNames;
            scores = new float[interpreter.OutputLength];
        }

        /// <summary>True when the interpreter runs on native kernels (Interpreter.UsesNativeKernels).</summary>
        public bool UsesNativeKernels
        {
            get { return interpreter.UsesNativeKernels; }
        }

        /// <summary>Int8 elements one input image must have (NHWC).</summary>
        public int InputLength
        {
            get { return interpreter.InputLength; }
        }

        /// <summary>Activation memory the interpreter allocated, in bytes.</summary>
        public int ArenaBytes
        {
            get { return interpreter.ArenaBytes; }
        }

        /// <summary>Fixed scratch memory the interpreter allocated, in bytes.</summary>
        public int ScratchBytes
        {
            get { return interpreter.ScratchBytes; }
        }

        /// <summary>Dequantized output value of the class the last Classify call returned.</summary>
        public float LastScore
        {
            get { return lastScore; }
        }

        public string ClassName(int index)
        {
            return classNames[index];
        }

        /// <summary>Runs the model on one int8 NHWC image and returns the index of the highest output (lowest index on ties).</summary>
        public int Classify(sbyte[] image)
        {
            interpreter.SetInput(image, 0);
            interpreter.Invoke();
            interpreter.GetOutput(scores, 0);
            int best = 0;
            for (int i = 1; i < scores.Length; i++)
            {
                if (scores[i] > scores[best])
                {
                    best = i;
                }
            }

            lastScore = scores[best];
            return best;
        }
    }
}
