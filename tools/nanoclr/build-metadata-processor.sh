#!/usr/bin/env bash
# Builds a .dll -> .pe compiler for nanoCLR from a MetadataProcessor checkout the user points to, into
# $TINYDSC_NANOCLR_HOME/pe-compiler. Nothing of MetadataProcessor is copied into this repository; the checkout is not
# modified.
#
#   TINYDSC_METADATA_PROCESSOR  path of a metadata-processor checkout (https://github.com/nanoframework/metadata-processor)
#   TINYDSC_NANOCLR_HOME        output folder, outside this repository (default: $HOME/.tinydsc-nanoclr)
#
# Adaptations made at build time (MetadataProcessor targets .NET Framework 4.7.2 on Windows):
#  - a generated SDK-style project for net10.0 (any OS, 64-bit) replaces MetadataProcessor.Core.csproj and
#    MetadataProcessor.Console.csproj; it compiles the checkout's MetadataProcessor.Shared sources in place;
#  - left out: the dump and skeleton generators (nanoDumperGenerator.cs, nanoSkeletonGenerator.cs), which need the
#    mustache-sharp package (.NET Framework only) and are not needed to write a .pe;
#  - AllowUnsafeBlocks, as the original project sets for nanoBinaryWriter;
#  - System.Drawing.Common is referenced so the resource table compiles; it is only reached for bitmap/font resources,
#    which TinyDsc assemblies do not have (on Linux it would throw PlatformNotSupportedException);
#  - the console's Program.cs is replaced by TinyDsc's own driver, tools/nanoclr/pe-compiler/Program.cs, which runs the
#    same steps (parse with load hints, compile, minimize, write) for one assembly and writes the .pdbx beside the .pe;
#  - Nerdbank.GitVersioning and SourceLink are dropped (versioning only).
set -euo pipefail

src="${TINYDSC_METADATA_PROCESSOR:?set TINYDSC_METADATA_PROCESSOR to a metadata-processor checkout}"
home="${TINYDSC_NANOCLR_HOME:-$HOME/.tinydsc-nanoclr}"
shared="$(cd "$src/MetadataProcessor.Shared" 2>/dev/null && pwd)" || { echo "error: $src has no MetadataProcessor.Shared folder" >&2; exit 1; }
here="$(cd "$(dirname "$0")" && pwd)"
out="$home/pe-compiler"
mkdir -p "$out/project"
cat > "$out/project/pe-compiler.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <AssemblyName>pe-compiler</AssemblyName>
    <Nullable>disable</Nullable>
    <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
    <ImplicitUsings>disable</ImplicitUsings>
    <EnableDefaultCompileItems>false</EnableDefaultCompileItems>
    <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
    <NoWarn>\$(NoWarn);CS0168;CS0219;CS0414;CS0649;CS1591;CA1416;SYSLIB0011</NoWarn>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
    <ImportDirectoryBuildProps>false</ImportDirectoryBuildProps>
  </PropertyGroup>
  <ItemGroup>
    <Compile Include="$shared/**/*.cs" Exclude="$shared/nanoDumperGenerator.cs;$shared/nanoSkeletonGenerator.cs" />
    <Compile Include="$here/pe-compiler/Program.cs" />
  </ItemGroup>
  <ItemGroup>
    <PackageReference Include="Mono.Cecil" Version="0.11.6" />
    <PackageReference Include="System.Drawing.Common" Version="10.0.15" />
  </ItemGroup>
</Project>
PROJ
# Keep the repository's Directory.Build.props / Directory.Packages.props out of this foreign build.
echo '<Project />' > "$out/project/Directory.Build.props"
echo '<Project />' > "$out/project/Directory.Packages.props"
dotnet publish "$out/project/pe-compiler.csproj" -c Release -o "$out/bin" --nologo -v q
{
  echo "metadata-processor $(git -C "$src" rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "Mono.Cecil 0.11.6, System.Drawing.Common 10.0.15, net10.0"
} > "$out/VERSION"
echo "pe-compiler: $out/bin/pe-compiler"
