using System.Collections.Concurrent;

namespace Parley.Server.Distribution;

/// <summary>
/// Console connections per member on this server instance, so that closing one of two tabs does not count as leaving.
/// Per instance: a member connected to two instances is marked disconnected when either loses its last connection
/// (a shared store, e.g. Redis, is the step for scale-out).
/// </summary>
public sealed class TeamConnections
{
    private readonly ConcurrentDictionary<Guid, int> _open = new();

    /// <summary>True when this is the member's first open connection.</summary>
    public bool Opened(Guid memberId) => _open.AddOrUpdate(memberId, 1, (_, n) => n + 1) == 1;

    /// <summary>True when that was the member's last open connection.</summary>
    public bool Closed(Guid memberId)
    {
        while (true)
        {
            if (!_open.TryGetValue(memberId, out var n)) return true;
            if (n <= 1 ? _open.TryRemove(new KeyValuePair<Guid, int>(memberId, n)) : _open.TryUpdate(memberId, n - 1, n)) return n <= 1;
        }
    }
}
