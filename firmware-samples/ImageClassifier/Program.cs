using System;
using System.Threading;
using TinyDsc.Runtime.Native;

namespace TinyDsc.Samples.ImageClassifier
{
    public class Program
    {
        public static void Main()
        {
            ILog log = new ConsoleLog();
            try
            {
                // Native kernels where the firmware has TinyDsc.Runtime.Native, else managed; it prints which.
                ClassifierApp.Run(log, new FirmwareKernels());
            }
            catch (Exception e)
            {
                log.WriteLine("ImageClassifier stopped: " + e.GetType().Name + ": " + e.Message);
            }

            Thread.Sleep(Timeout.Infinite);
        }
    }
}
