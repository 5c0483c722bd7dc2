using System;

namespace TinyDsc.Runtime
{
    /// <summary>A .tdsc model is malformed; the message names the field and the offending values.</summary>
    public class ModelFormatException : Exception
    {
        /// <summary>Creates the exception with a message that names the field and the offending values.</summary>
        public ModelFormatException(string message) : base(message)
        {
        }
    }
}
