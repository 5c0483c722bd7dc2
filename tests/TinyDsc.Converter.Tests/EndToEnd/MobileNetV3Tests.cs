using System;
using System.Diagnostics;
using System.IO;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Reference;
using TinyDsc.Converter.Tests.Conformance;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using Xunit;
using Xunit.Abstractions;

namespace TinyDsc.Converter.Tests.EndToEnd;

/// <summary>A [Fact] skipped, with a message, when Debian's python3 with torch and torchvision is not installed.</summary>
public sealed class TorchvisionFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<bool> Available = new(() =>
    {
        if (!File.Exists(Python))
        {
            return false;
        }
        try
        {
            using var p = Process.Start(new ProcessStartInfo(Python, "-c \"import torch, torchvision, onnx\"")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            p.WaitForExit(60_000);
            return p.HasExited && p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    public TorchvisionFactAttribute()
    {
        if (!Available.Value)
        {
            Skip = "needs /usr/bin/python3 with torch, torchvision and onnx (Debian: apt-get install python3-torch python3-torchvision python3-onnx)";
        }
    }
}

/// <summary>
/// torchvision's mobilenet_v3_small(num_classes=10) at 3×96×96 (random weights, BatchNorm statistics from
/// train-mode passes; tools/python/make_mobilenet_v3.py, fixed seed) exported by PyTorch, converted, run by the int8
/// interpreter and compared with PyTorch's own float output: Hardswish (as HardSigmoid · x at opset 13, as HardSwish
/// at 14), squeeze-and-excite (HardSigmoid gate × per-channel Mul), GlobalAveragePool as TFLite's MEAN, Gemm, Dropout.
/// The model (6 MB of float weights) is generated here, not committed.
/// </summary>
public sealed class MobileNetV3Tests
{
    private readonly ITestOutputHelper _output;

    public MobileNetV3Tests(ITestOutputHelper output) => _output = output;

    private static string Repo => Directory.GetParent(PytorchFixtureTests.FixtureRoot)!.Parent!.FullName;

    [TorchvisionFact]
    public void Opset13_ConvertsRunsAndVerifiesAbove25Db() => ConvertsRunsAndVerifies(13);

    [TorchvisionFact]
    public void Opset14_ConvertsRunsAndVerifiesAbove25Db() => ConvertsRunsAndVerifies(14);

    private void ConvertsRunsAndVerifies(int opset)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"tinydsc-mnv3-{opset}-{Environment.ProcessId}");
        try
        {
            var psi = new ProcessStartInfo(TorchvisionFactAttribute.Python)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            psi.ArgumentList.Add(Path.Combine(Repo, "tools", "python", "make_mobilenet_v3.py"));
            psi.ArgumentList.Add(dir);
            psi.ArgumentList.Add("--opset");
            psi.ArgumentList.Add(opset.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using (var p = Process.Start(psi)!)
            {
                string err = p.StandardError.ReadToEnd();
                p.WaitForExit();
                Assert.True(p.ExitCode == 0, "make_mobilenet_v3.py failed: " + err);
            }

            var calibration = Npy.ReadFloat32(Path.Combine(dir, "calibration.npy"));
            var input = Npy.ReadFloat32(Path.Combine(dir, "input.npy"));
            var pytorch = Npy.ReadFloat32(Path.Combine(dir, "output.npy"));
            var graph = OnnxImporter.Load(Path.Combine(dir, "model.onnx"));
            Assert.Contains(graph.Nodes, n => n.Kind == Graph.NodeKind.HardSwish);
            Assert.Contains(graph.Nodes, n => n.Kind == Graph.NodeKind.Mul);

            // The float reference reproduces PyTorch (float32 summation order only).
            float[] reference = FloatReference.RunBatch(graph, input.Data, input.Shape[0]);
            Compare.Close(pytorch.Data, reference, "float reference vs PyTorch");

            ConversionResult converted = ModelConverter.Convert(graph, calibration.Data, calibration.Shape, "calibration.npy",
                new CalibrationOptions());
            Model model = ModelReader.Load(converted.FileBytes);
            var interpreter = new Interpreter(model);
            BatchResult int8 = new Int8Runner(model).Run(input.Data, input.Shape, "input.npy");
            VerifyMetrics m = VerifyMetrics.Compute(pytorch.Data, int8.Data, input.Shape[0]);
            _output.WriteLine($"mobilenet_v3_small opset {opset}: {model.Operators.Length} ops, {converted.FileBytes.Length} B, " +
                $"arena {model.ArenaSize} B, SQNR {m.SqnrDb:F2} dB, top-1 agreement {m.Top1Agreement:P0}");
            Assert.True(m.SqnrDb >= 25.0, $"SQNR {m.SqnrDb:F2} dB (issue 12 asks for at least 25 dB)");
            Assert.Contains("Lookup", KernelNames(interpreter));
            Assert.Contains("Mul", KernelNames(interpreter));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }
        }
    }

    private static string KernelNames(Interpreter it)
    {
        var names = new System.Collections.Generic.List<string>();
        for (int i = 0; ; i++)
        {
            try
            {
                names.Add(it.KernelName(i));
            }
            catch (ArgumentException)
            {
                return string.Join(",", names);
            }
        }
    }
}
