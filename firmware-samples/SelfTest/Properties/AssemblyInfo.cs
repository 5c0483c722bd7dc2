using System.Reflection;

[assembly: AssemblyTitle("TinyDsc.Samples.SelfTest")]
[assembly: AssemblyDescription("Checks the TinyDsc runtime on the device against desktop golden vectors")]
[assembly: AssemblyProduct("TinyDsc")]
[assembly: AssemblyVersion("1.0.0.0")]
[assembly: AssemblyFileVersion("1.0.0.0")]
