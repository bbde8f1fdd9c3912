using System.Runtime.InteropServices;

namespace Parley.Bench;

/// <summary>
/// The bench's own open-file limit (each connection is a socket): raised to the hard limit when the soft one is lower
/// than what the scenario needs, so `ulimit -n` is only a problem when the hard limit itself is too low.
/// </summary>
public static class FileLimit
{
    private const int RlimitNofile = 7;

    /// <summary>The soft limit after trying to raise it to <paramref name="needed"/> (or the hard limit); null when unknown.</summary>
    public static long? Ensure(long needed)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            if (NativeMethods.getrlimit(RlimitNofile, out var limit) != 0) return null;
            if ((long)limit.Current >= needed) return (long)limit.Current;
            var raised = new NativeMethods.RLimit { Current = Math.Min(limit.Max, (ulong)needed), Max = limit.Max };
            return NativeMethods.setrlimit(RlimitNofile, ref raised) == 0 ? (long)raised.Current : (long)limit.Current;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static class NativeMethods
    {
        [StructLayout(LayoutKind.Sequential)]
        public struct RLimit
        {
            public ulong Current;
            public ulong Max;
        }

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int getrlimit(int resource, out RLimit limit);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int setrlimit(int resource, ref RLimit limit);
    }
}
