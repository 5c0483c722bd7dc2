using System;
using System.IO;
using System.Linq;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Tests.Import;
using Xunit;

namespace TinyDsc.Converter.Tests.Cli;

/// <summary>An ONNX classifier ending in Softmax through convert, run (probabilities) and verify (compared as probabilities).</summary>
public class CliSoftmaxTests
{
    [Fact]
    public void RunWritesProbabilitiesAndVerifyComparesThem()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tinydsc-softmax-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var b = new OnnxModelBuilder(13).Input("x", new[] { 4 }).Output("y");
            b.Init("w", new long[] { 3, 4 }, new[] { 1f, -1f, 0.5f, 0f, -0.5f, 1f, 0f, 1f, 0.25f, 0.25f, -1f, 0.5f });
            b.Node("Gemm", new[] { "x", "w" }, "logits", "fc", ("transB", 1));
            b.Node("Softmax", new[] { "logits" }, "y", "softmax");
            string onnx = Path.Combine(dir, "m.onnx"), tdsc = Path.Combine(dir, "m.tdsc");
            string x = Path.Combine(dir, "x.npy"), y = Path.Combine(dir, "y.npy");
            File.WriteAllBytes(onnx, b.Build());
            var rng = new Random(18);
            Npy.WriteFloat32(x, new[] { 16, 4 }, Enumerable.Range(0, 64).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray());

            var convert = CliRunner.Run("convert", onnx, "--calibration", x, "--output", tdsc);
            Assert.True(convert.Code == 0, convert.Err);
            var run = CliRunner.Run("run", tdsc, "--input", x, "--output", y);
            Assert.True(run.Code == 0, run.Err);
            var probs = Npy.ReadFloat32(y);
            Assert.Equal(new[] { 16, 3 }, probs.Shape);
            for (int s = 0; s < 16; s++)
            {
                float[] row = probs.Data[(s * 3)..(s * 3 + 3)];
                // Each value is (q + 128) / 256, within one step of the exact probability (SoftmaxTests): the sum within 3 steps of 1.
                Assert.All(row, p => Assert.True(p >= 0 && p < 1 && p * 256 == MathF.Round(p * 256), $"sample {s}: {p} is not k/256 in [0, 1)"));
                Assert.InRange(row.Sum(), 1 - 3f / 256, 1 + 3f / 256);
            }

            var verify = CliRunner.Run("verify", onnx, tdsc, "--input", x);
            Assert.True(verify.Code == 0, verify.Err);
            Assert.Contains("class probabilities (Softmax)", verify.Out, StringComparison.Ordinal);
            Assert.Contains("steps of 1/256", verify.Out, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
