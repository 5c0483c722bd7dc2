using System.Linq;
using TinyDsc.Runtime.Format;
using static TinyDsc.Converter.Import.ImportContext;

namespace TinyDsc.Converter.Import.Ops;

/// <summary>
/// Import of Concat on activations (a Concat of constants, as in shape subgraphs, is the constant evaluator's): along
/// the channel axis only, axis 1 of NCHW, of 1-D NCL (held as NCHW with H = 1) or of [N, C] (torch.cat(..., dim=1)),
/// 2..4 inputs (FORMAT.md op 19). One input is the identity.
/// </summary>
internal static class ConcatImport
{
    internal static void LowerConcat(ImportContext ctx, NodeView node)
    {
        int count = node.Proto.Input.Count;
        if (count < 1)
        {
            throw node.Fail("has no inputs");
        }
        if (!node.Has("axis"))
        {
            throw node.Fail("attribute axis is missing");
        }
        var inputs = Enumerable.Range(0, count).Select(i => ctx.Activation(node, i)).ToArray();
        int[] first = ctx.Shapes[inputs[0]];
        int rank = first.Length;
        int logicalRank = ctx.LogicalShape(inputs[0]).Length;
        long axis = node.Int("axis", 1);
        if (axis < 0)
        {
            axis += logicalRank;
        }
        if (axis != 1 || (rank != 4 && rank != 2))
        {
            throw node.Fail($"axis {node.Int("axis", 1)} on rank-{logicalRank} inputs {ctx.Describe(inputs[0])}: only concatenation along the channels " +
                "(axis 1 of NCHW, NCL or [N, C]) is supported");
        }
        if (inputs.Any(i => ctx.IsOneD(i) != ctx.IsOneD(inputs[0])))
        {
            throw node.Fail($"input shapes {string.Join(" and ", inputs.Select(ctx.Describe))} mix 1-D [N, C, L] and 2-D [N, C, H, W] values");
        }
        if (count == 1)
        {
            ctx.Alias[node.Output] = inputs[0];
            return;
        }
        if (count > OperatorInputs.ConcatMaxInputs)
        {
            throw node.Fail($"{count} inputs; TinyDsc's Concat takes 2..{OperatorInputs.ConcatMaxInputs} (nest torch.cat calls for more)");
        }
        int channels = 0;
        foreach (string x in inputs)
        {
            int[] s = ctx.Shapes[x];
            if (s.Length != rank || Enumerable.Range(0, rank).Any(d => d != 1 && s[d] != first[d]))
            {
                throw node.Fail($"input shapes {string.Join(" and ", inputs.Select(i => FormatShape(ctx.Shapes[i])))} differ outside the channel axis");
            }
            channels += s[1];
        }
        int[] shape = (int[])first.Clone();
        shape[1] = channels;
        var n = ctx.AddNode(node, LoweredOp.Concat, inputs[0], shape);
        n.Inputs.AddRange(inputs.Skip(1));
    }
}
