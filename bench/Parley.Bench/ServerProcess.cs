using System.Globalization;

namespace Parley.Bench;

/// <summary>
/// The server's CPU time and resident memory, read from /proc when it runs on this machine (Linux only).
/// Found by --server-pid, else by the process listening on --url's port (other engineers' servers and test hosts may
/// run on the same machine), else by the first process whose command line names Parley.Server.
/// </summary>
public sealed class ServerProcess
{
    private static readonly long TicksPerSecond = 100; // USER_HZ on Linux

    private ServerProcess(int pid) => Pid = pid;

    public int Pid { get; }

    public static ServerProcess? Find(BenchArgs args)
    {
        if (args.Get("server-pid") is { } given) return new ServerProcess(int.Parse(given, CultureInfo.InvariantCulture));
        if (!Directory.Exists("/proc")) return null;
        if (ListeningOn(args.Url.Port) is { } listener) return new ServerProcess(listener);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains("Parley.Server", StringComparison.Ordinal) && !cmdline.Contains("dotnet run", StringComparison.Ordinal)
                    && !cmdline.Contains("build", StringComparison.Ordinal) && !cmdline.Contains("testhost", StringComparison.Ordinal))
                    return new ServerProcess(pid);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return null;
    }

    /// <summary>The process that owns a TCP socket listening on the port (IPv4 or IPv6), through /proc/net and /proc/*/fd.</summary>
    private static int? ListeningOn(int port)
    {
        var inodes = new HashSet<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // local_address is "HEX_IP:HEX_PORT"; state 0A is LISTEN; field 9 is the socket's inode.
                if (f.Length > 9 && f[3] == "0A" && int.Parse(f[1][(f[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
                    inodes.Add($"socket:[{f[9]}]");
            }
        }

        if (inodes.Count == 0) return null;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd")))
                {
                    if (new FileInfo(fd).LinkTarget is { } target && inodes.Contains(target)) return pid;
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return null;
    }

    /// <summary>User + system CPU seconds used so far.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "(comm) ", field 3 (state) is index 0; utime and stime are fields 14 and 15.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / (double)TicksPerSecond;
    }

    /// <summary>Resident set size in bytes.</summary>
    public long RssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }

        return 0;
    }
}
