using System.Reflection;

[assembly: AssemblyTitle("TinyDsc.Runtime.Native")]
[assembly: AssemblyDescription("nanoFramework interop assembly: TinyDsc's C99 kernels (runtime/native) behind InternalCall methods")]
[assembly: AssemblyProduct("TinyDsc")]

// AssemblyVersion/AssemblyFileVersion come from version.json (Directory.Build.targets, TinyDscVersionInfo).
// Version of the native side (Stubs/TinyDsc_Runtime_Native.cpp declares the same { 1, 0, 0, 0 }).
[assembly: AssemblyNativeVersion("1.0.0.0")]
