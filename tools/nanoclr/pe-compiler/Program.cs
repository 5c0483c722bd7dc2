// TinyDsc's own command-line driver for nanoFramework's MetadataProcessor library: turns a compiled nanoFramework
// assembly (.dll, built against mscorlib from nanoFramework.CoreLibrary) into the .pe file nanoCLR loads.
// build-metadata-processor.sh compiles this file together with the MetadataProcessor.Shared sources of a checkout the
// user points to; nothing of MetadataProcessor is kept in this repository.
//
//   pe-compiler <assembly.dll> <output.pe> [reference.dll ...]
//
// Each reference is an assembly the input depends on (mscorlib.dll first); the same steps as MetadataProcessor's
// console (-parse, -loadHints, -compile, minimize) run in order. Beside the .pe it writes the .pdbx (same name,
// extension .pdbx): the XML symbol map from the assembly's metadata tokens to the .pe's, which nanoFramework's
// debugger reads and nanoFramework NuGet packages ship in lib/. Errors leave neither file.
using System;
using System.Collections.Generic;
using System.IO;
using System.Xml;
using Mono.Cecil;
using nanoFramework.Tools.MetadataProcessor;

internal static class PeCompiler
{
    private static int Main(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: pe-compiler <assembly.dll> <output.pe> [reference.dll ...]");
            return 2;
        }

        string input = args[0];
        string output = args[1];
        var hints = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 2; i < args.Length; i++)
        {
            hints[Path.GetFileNameWithoutExtension(args[i])] = Path.GetFullPath(args[i]);
        }

        try
        {
            AssemblyDefinition assembly = AssemblyDefinition.ReadAssembly(
                input, new ReaderParameters { AssemblyResolver = new LoadHintsAssemblyResolver(hints) });
            bool isCoreLibrary = assembly.Name.Name == "mscorlib";
            var builder = new nanoAssemblyBuilder(assembly, new List<string>(), false, isCoreLibrary);
            string temp = output + ".tmp";
            using (var stream = File.Open(temp, FileMode.Create, FileAccess.ReadWrite))
            using (var writer = new BinaryWriter(stream))
            {
                builder.Write(nanoBinaryWriter.CreateLittleEndianBinaryWriter(writer));
            }

            builder.Minimize();
            using (var stream = File.Open(temp, FileMode.Create, FileAccess.ReadWrite))
            using (var writer = new BinaryWriter(stream))
            {
                builder.Write(nanoBinaryWriter.CreateLittleEndianBinaryWriter(writer));
            }

            string pdbx = Path.ChangeExtension(output, ".pdbx");
            string pdbxTemp = pdbx + ".tmp";
            using (var xml = XmlWriter.Create(pdbxTemp, new XmlWriterSettings { Indent = true }))
            {
                builder.Write(xml);
            }

            File.Move(temp, output, true);
            File.Move(pdbxTemp, pdbx, true);
            return 0;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("pe-compiler: " + input + ": " + e.GetType().Name + ": " + e.Message);
            File.Delete(output + ".tmp");
            File.Delete(Path.ChangeExtension(output, ".pdbx") + ".tmp");
            return 1;
        }
    }
}
