using System;
using System.Collections.Generic;
using System.IO;
using TinyDsc.Converter.Import.Tflite;
using TinyDsc.Converter.Planning;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Tests.Import.Tflite;

/// <summary>
/// The public int8 .tflite models in tests/fixtures/tflite (README.md there: source, licence, inputs, goldens).
/// Each is imported whole (through its final SOFTMAX, <see cref="ImportWhole"/>) and up to the SOFTMAX's input, the
/// scores (<see cref="Import"/>), so both TFLM goldens are checked.
/// </summary>
internal static class TfliteFixtures
{
    /// <summary>Fixture folder name → tensor converted as the .tdsc output (the softmax input, the model's scores).</summary>
    public static readonly IReadOnlyDictionary<string, string> Logits = new Dictionary<string, string>
    {
        ["person_detect"] = "MobilenetV1/Logits/SpatialSqueeze",
        ["kws_ref_model"] = "functional_1/dense/BiasAdd",
        ["vww_96_int8"] = "model/dense/MatMul;model/dense/BiasAdd",
    };

    public static IEnumerable<object[]> Names()
    {
        foreach (string name in Logits.Keys)
        {
            yield return new object[] { name };
        }
    }

    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "tests", "fixtures", "tflite");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
            throw new DirectoryNotFoundException("tests/fixtures/tflite not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Path_(string name, string file) => Path.Combine(Root, name, file);

    public static byte[] Model(string name) => File.ReadAllBytes(Path_(name, "model.tflite"));

    /// <summary>Imports the fixture up to its scores and plans the arena (as convert does).</summary>
    public static TfliteImport Import(string name)
    {
        TfliteImport import = TfliteImporter.Import(Model(name), name + "/model.tflite", new TfliteImportOptions { OutputTensor = Logits[name] });
        ModelMemoryPlanner.Apply(import.Quantized.Model);
        return import;
    }

    /// <summary>Imports the whole fixture, its own output (after SOFTMAX), and plans the arena.</summary>
    public static TfliteImport ImportWhole(string name)
    {
        TfliteImport import = TfliteImporter.Import(Model(name), name + "/model.tflite");
        ModelMemoryPlanner.Apply(import.Quantized.Model);
        return import;
    }

    /// <summary>Runs the int8 runtime on every input in inputs.bin (int8, NHWC, back to back); the output bytes, concatenated.</summary>
    public static byte[] RunRuntime(Model model, byte[] inputs, bool referenceConvolutions = false)
    {
        var interpreter = new Interpreter(model, referenceConvolutions);
        int inSize = interpreter.InputLength, outSize = interpreter.OutputLength;
        if (inputs.Length % inSize != 0)
        {
            throw new InvalidOperationException($"inputs hold {inputs.Length} bytes, not a multiple of {inSize}");
        }
        int n = inputs.Length / inSize;
        var input = new sbyte[inSize];
        var output = new sbyte[outSize];
        var result = new byte[n * outSize];
        for (int s = 0; s < n; s++)
        {
            System.Buffer.BlockCopy(inputs, s * inSize, input, 0, inSize);
            interpreter.SetInput(input, 0);
            interpreter.Invoke();
            interpreter.GetOutput(output, 0);
            System.Buffer.BlockCopy(output, 0, result, s * outSize, outSize);
        }
        return result;
    }
}
