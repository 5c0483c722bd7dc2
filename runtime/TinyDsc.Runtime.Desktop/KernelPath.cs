namespace TinyDsc.Runtime.Desktop;

/// <summary>
/// Instruction-set path of <see cref="DesktopKernels"/>. Every path gives the same bytes as the device kernels; the
/// choice only changes speed. <see cref="Auto"/> takes DesktopKernels.Best; the others force a path (tests run
/// each one, and <c>TINYDSC_KERNEL_PATH</c> forces one for <see cref="DesktopKernels.Default"/>).
/// </summary>
public enum KernelPath
{
    /// <summary>DesktopKernels.Best: Vnni512 (AVX-VNNI and AVX-512BW), else Vnni (AVX-VNNI), else Vector256 (AVX2), else Vector128, else Scalar (Vector512 only when forced).</summary>
    Auto = 0,

    /// <summary>Plain C# loops, no vectors: the portable fallback.</summary>
    Scalar = 1,

    /// <summary>Portable Vector128 (int32 lanes; SSE2 on x86, AdvSimd on Arm), scalar requantization.</summary>
    Vector128 = 2,

    /// <summary>AVX2: int8 widened to int16 pairs and multiplied with MultiplyAddAdjacent (vpmaddwd), vector requantization.</summary>
    Vector256 = 3,

    /// <summary>AVX-512BW: as <see cref="Vector256"/> with 512-bit multiply-adds.</summary>
    Vector512 = 4,

    /// <summary>
    /// AVX-VNNI: matrix products with vpdpbusd (four byte products per int32 lane, activations as a + 128), four rows
    /// per weight load, requantization fused into the product; depthwise and requantization as <see cref="Vector256"/>.
    /// </summary>
    Vnni = 5,

    /// <summary>
    /// AVX-VNNI products as <see cref="Vnni"/>, with AVX-512BW for the rest: depthwise on 16 channels per vector and
    /// requantization of 16 channels at a time (vpmovsdb), in the products' tiles too.
    /// </summary>
    Vnni512 = 6,
}
