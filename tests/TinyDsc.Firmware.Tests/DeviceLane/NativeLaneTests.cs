#nullable enable
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using TinyDsc.Converter.Embedding;
using TinyDsc.Samples.SelfTest;
using Xunit;
using Xunit.Abstractions;
using TinyDsc.Converter.Planning;

namespace TinyDsc.Firmware.Tests.DeviceLane;

/// <summary>
/// The device lane on nanoCLR built WITH TinyDsc.Runtime.Native (tools/nanoclr/build-nanoclr-native.sh, folder
/// TINYDSC_NANOCLR_NATIVE_HOME): the same samples and golden programs as DeviceLaneTests, whose FirmwareKernels now
/// find the native module, must say "kernels: native" and print the desktop's bytes; and the speed of the two paths
/// on the same nanoCLR, measured in one program. Skips, naming the variables, when either build is absent.
/// </summary>
[Collection("DeviceLane")]
public class NativeLaneTests
{
    private readonly ITestOutputHelper output;

    public NativeLaneTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [NativeLaneFact]
    public void SelfTest_sample_runs_on_native_kernels_and_prints_the_desktop_lines()
    {
        List<string> device = DeviceLaneTests.RunSample("SelfTest", SelfTestRunner.SummaryPrefix, NanoClrLane.NativeNanoClr);
        output.WriteLine(string.Join("\n", device));
        var desktop = new ListLog();
        SelfTestApp.Run(desktop);

        Assert.Contains(device, l => l.StartsWith(SelfTestRunner.SummaryPrefix + "ALL PASS", StringComparison.Ordinal));
        Assert.Contains(SelfTestRunner.KernelsPrefix + "native", device);
        Assert.Equal(desktop.Lines.Select(Native), device);
    }

    [NativeLaneFact]
    public void ImageClassifier_sample_runs_on_native_kernels_and_prints_the_desktop_lines()
    {
        List<string> device = DeviceLaneTests.RunSample("ImageClassifier", "correct ", NanoClrLane.NativeNanoClr);
        output.WriteLine(string.Join("\n", device));
        var desktop = new ListLog();
        TinyDsc.Samples.ImageClassifier.ClassifierApp.Run(desktop);

        // On native kernels the Interpreter allocates no PointwiseConv scratch for the 1×1 layers that run in C: the
        // scratch line is what a desktop Interpreter of the same model reports with native kernels available.
        var model = TinyDsc.Runtime.Format.ModelReader.Load(TinyDsc.Samples.ImageClassifier.EmbeddedModel.ModelSource());
        int managedScratch = new TinyDsc.Runtime.Interpreter(model).ScratchBytes;
        int nativeScratch = new TinyDsc.Runtime.Interpreter(model, new AvailableKernels()).ScratchBytes;
        Assert.True(nativeScratch < managedScratch, $"native scratch {nativeScratch} B, managed {managedScratch} B");
        string Scratch(string l) => l.Replace(", scratch " + managedScratch + " bytes", ", scratch " + nativeScratch + " bytes");

        var time = new Regex(@", [0-9]+\.[0-9] ms");
        Assert.Contains("kernels: native", device);
        Assert.Equal(desktop.Lines.Select(l => time.Replace(Scratch(Native(l)), ", # ms")), device.Select(l => time.Replace(l, ", # ms")));
    }

    /// <summary>Native kernels that report themselves available, for the Interpreter's choices at construction; never run.</summary>
    private sealed class AvailableKernels : TinyDsc.Runtime.Native.INativeKernels
    {
        public bool IsAvailable() => true;

        public int Run(int kernel, int[] parameters, sbyte[] arena, int in0, int in1, int output, sbyte[] weights, int[] bias,
            int[] multiplier, int[] shift, sbyte[] scratch) => throw new InvalidOperationException("construction only");
    }

    [NativeLaneFact]
    public void Golden_vectors_of_every_model_are_bit_exact_on_native_kernels_and_a_corrupted_one_fails()
    {
        output.WriteLine(string.Join("\n", DeviceLaneTests.CheckGoldens(NanoClrLane.NativeNanoClr, "native")));
    }

    /// <summary>
    /// ms per inference, managed against native, on the interop nanoCLR, for the two sample models as converted by
    /// default (fused blocks) and mbv2-fashion unfused (issue 11's IL goal): one device program per model holds a managed
    /// and a native interpreter of the same model and alternates rounds of inferences on the first golden input
    /// (so both paths see the same machine load), then checks both outputs against the desktop's golden bytes.
    /// Prints the table README.md quotes; also written to $TINYDSC_NANOCLR_NATIVE_HOME/speed.md. Asserts only the
    /// bytes: the speed is a measurement, not a test.
    /// </summary>
    [NativeLaneFact]
    public void Speed_of_native_against_managed_kernels_on_nanoclr()
    {
        var table = new StringBuilder();
        table.AppendLine("| model | managed (IL kernels) | native (C kernels) | speed-up |");
        table.AppendLine("|---|---|---|---|");
        var mbv2 = DeviceLaneTests.Mbv2();
        foreach ((string name, string onnx, string calibration, FusionMode fusion) in new[]
        {
            (DeviceLaneTests.Bundled().Item1, DeviceLaneTests.Bundled().Item2, DeviceLaneTests.Bundled().Item3, FusionMode.Auto),
            (mbv2.Item1, mbv2.Item2, mbv2.Item3, FusionMode.Auto),
            (mbv2.Item1 + "-unfused", mbv2.Item2, mbv2.Item3, FusionMode.None),
        })
        {
            byte[] model = DeviceLaneTests.Convert(onnx, calibration, fusion);
            List<string> lines = RunSpeedProgram(name, model);
            output.WriteLine(string.Join("\n", lines));
            Assert.Contains("kernels: native", lines);
            Assert.Contains("managed output: PASS", lines);
            Assert.Contains("native output: PASS", lines);
            string speed = lines.Single(l => l.StartsWith("SPEED ", StringComparison.Ordinal));
            long[] v = speed.Substring(6).Split(' ').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            double managedMs = v[0] / 10_000.0 / v[1];
            double nativeMs = v[2] / 10_000.0 / v[3];
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {managedMs:F1} ms ({v[1]} runs) | {nativeMs:F2} ms ({v[3]} runs) | {managedMs / nativeMs:F0}× |"));
        }

        output.WriteLine(table.ToString());
        File.WriteAllText(Path.Combine(NanoClrLane.NativeHome!, "speed.md"), table.ToString());
    }

    /// <summary>The desktop's line as the interop build prints it: the kernels line says native.</summary>
    private static string Native(string line) => line == SelfTestRunner.KernelsPrefix + "managed" ? SelfTestRunner.KernelsPrefix + "native" : line;

    private static List<string> RunSpeedProgram(string name, byte[] model)
    {
        string dir = NanoClrLane.TempFolder("native-speed-" + name);
        var builder = new GoldenVectorBuilder(model);
        builder.AddRandom(1);
        File.WriteAllText(Path.Combine(dir, "Model.g.cs"), CSharpEmitter.Emit(new EmbeddingContent(model) { GoldenVectors = builder.Vectors },
            new EmbeddingOptions { Namespace = "TinyDsc.Lane.Speed", ClassName = "SpeedData", Source = name, InitializerByteLimit = 65536 }).Source);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), """
            using System;
            using System.Threading;
            using TinyDsc.Runtime;
            using TinyDsc.Runtime.Format;
            using TinyDsc.Runtime.Native;

            namespace TinyDsc.Lane.Speed
            {
                public static class Program
                {
                    private const int Rounds = 4;
                    private const int ManagedPerRound = 2;
                    private const int NativePerRound = 20;

                    public static void Main()
                    {
                        Model model = ModelReader.Load(SpeedData.ModelSource());
                        Interpreter managed = new Interpreter(model);
                        Interpreter native = new Interpreter(model, new FirmwareKernels());
                        Console.WriteLine("kernels: " + (native.UsesNativeKernels ? "native" : "managed"));
                        sbyte[] input = SpeedData.GoldenInput(0);
                        Run(managed, input, 1);
                        Run(native, input, 1);
                        long managedTicks = 0;
                        long nativeTicks = 0;
                        for (int r = 0; r < Rounds; r++)
                        {
                            managedTicks += Run(managed, input, ManagedPerRound);
                            nativeTicks += Run(native, input, NativePerRound);
                        }

                        Console.WriteLine("managed output: " + Check(managed));
                        Console.WriteLine("native output: " + Check(native));
                        Console.WriteLine("SPEED " + managedTicks.ToString() + " " + (Rounds * ManagedPerRound).ToString() + " "
                            + nativeTicks.ToString() + " " + (Rounds * NativePerRound).ToString());
                        Console.WriteLine("BENCH DONE");
                        Thread.Sleep(Timeout.Infinite);
                    }

                    private static long Run(Interpreter interpreter, sbyte[] input, int count)
                    {
                        long start = DateTime.UtcNow.Ticks;
                        for (int i = 0; i < count; i++)
                        {
                            interpreter.SetInput(input, 0);
                            interpreter.Invoke();
                        }

                        return DateTime.UtcNow.Ticks - start;
                    }

                    private static string Check(Interpreter interpreter)
                    {
                        sbyte[] expected = SpeedData.GoldenOutput(0);
                        sbyte[] actual = new sbyte[interpreter.OutputLength];
                        interpreter.GetOutput(actual, 0);
                        if (actual.Length != expected.Length)
                        {
                            return "FAIL, length";
                        }

                        for (int i = 0; i < expected.Length; i++)
                        {
                            if (actual[i] != expected[i])
                            {
                                return "FAIL at " + i.ToString();
                            }
                        }

                        return "PASS";
                    }
                }
            }
            """);
        NanoClrLane.Build(NanoClrLane.WriteProgramProject(dir, "Speed", "TinyDsc.Lane.Speed"), Path.Combine(dir, "bin"));
        List<string> pes = NanoClrLane.CompilePe(new[]
        {
            Path.Combine(dir, "bin", "TinyDsc.Runtime.dll"), Path.Combine(dir, "bin", "TinyDsc.Runtime.Native.dll"), Path.Combine(dir, "bin", "TinyDsc.Lane.Speed.dll"),
        });
        return NanoClrLane.Run(pes, "BENCH DONE", DeviceLaneTests.RunTimeout, NanoClrLane.NativeNanoClr);
    }
}
