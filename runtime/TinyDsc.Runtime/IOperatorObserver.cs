namespace TinyDsc.Runtime
{
    /// <summary>
    /// Called by <see cref="Interpreter.Invoke"/> right after each operator has written its output tensor, before the
    /// next operator runs (the memory plan may later reuse those bytes). Read the tensor with
    /// <see cref="Interpreter.GetTensor"/> inside the call. For tools on the desktop (per-layer error reports); a
    /// device build leaves <see cref="Interpreter.Observer"/> null and pays one null check per operator.
    /// </summary>
    public interface IOperatorObserver
    {
        /// <param name="interpreter">The interpreter running the operator.</param>
        /// <param name="operatorIndex">Index into Model.Operators of the operator that just ran.</param>
        void OperatorDone(Interpreter interpreter, int operatorIndex);
    }
}
