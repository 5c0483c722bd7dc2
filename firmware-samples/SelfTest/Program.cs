using System;
using System.Threading;
using TinyDsc.Runtime.Native;

namespace TinyDsc.Samples.SelfTest
{
    public class Program
    {
        public static void Main()
        {
            ILog log = new ConsoleLog();
            try
            {
                // Native kernels where the firmware has TinyDsc.Runtime.Native, else managed; it prints which.
                SelfTestApp.Run(log, new FirmwareKernels());
            }
            catch (Exception e)
            {
                log.WriteLine(SelfTestRunner.SummaryPrefix + "FAIL, " + e.GetType().Name + ": " + e.Message);
            }

            Thread.Sleep(Timeout.Infinite);
        }
    }
}
