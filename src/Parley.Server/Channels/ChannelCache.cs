using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Parley.Data;
using Parley.Domain.Channels;
using Parley.Server.Channels.Widget;
using Parley.Server.Infrastructure;

namespace Parley.Server.Channels;

/// <summary>
/// Enabled channels as visitors' actions see them, read once and kept a short while in this node: every widget message
/// read its channel's row again, about one twentieth of a chat message's cost. A change to a channel saved through EF
/// on this node forgets it at once (<see cref="Invalidator"/>); another node sees the change when its copy expires,
/// within <see cref="Lifetime"/>.
/// </summary>
/// <remarks>
/// The cached <see cref="Channel"/> is shared by every caller and never tracked: read it, do not change or attach it.
/// A disabled or missing channel is not kept (the next action reads it again), so bad ids cannot fill the cache.
/// </remarks>
public sealed class ChannelCache
{
    private readonly TimeProvider _time;

    public ChannelCache(TimeProvider time)
    {
        _time = time;
        Invalidator = new ChannelsSaved(this);
    }

    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();
    private long _forgotten;

    /// <summary>An enabled channel and its widget settings, parsed once.</summary>
    public sealed record Enabled(Channel Channel, WidgetSettings Widget);

    private sealed record Entry(Enabled Value, long ReadAt);

    public SaveChangesInterceptor Invalidator { get; }

    /// <summary>The channel if it exists and is enabled now (as of at most <see cref="Lifetime"/> ago in other nodes).</summary>
    public async ValueTask<Enabled?> EnabledAsync(ParleyDbContext db, Guid id, CancellationToken ct)
    {
        var now = _time.GetTimestamp();
        if (_entries.TryGetValue(id, out var entry) && _time.GetElapsedTime(entry.ReadAt, now) < Lifetime) return entry.Value;

        // A change saved while this read runs may not be in what it returns: such a read is used but not kept.
        var forgotten = Interlocked.Read(ref _forgotten);
        var channel = await EnabledChannel.For(db)(db, id, ct);
        if (channel is null)
        {
            _entries.TryRemove(id, out _);
            return null;
        }

        var value = new Enabled(channel, WidgetSettings.Read(channel));
        if (Interlocked.Read(ref _forgotten) == forgotten) _entries[id] = new Entry(value, now);
        return value;
    }

    public void Forget(Guid id)
    {
        Interlocked.Increment(ref _forgotten);
        _entries.TryRemove(id, out _);
    }

    private static readonly CompiledQuery<Func<ParleyDbContext, Guid, CancellationToken, Task<Channel?>>> EnabledChannel = new(() => EF.CompileAsyncQuery(
        (ParleyDbContext db, Guid id, CancellationToken ct) => db.Channels.AsNoTracking().FirstOrDefault(c => c.Id == id && c.IsEnabled)));

    /// <summary>
    /// After any SaveChanges, forgets the channels its context tracks. Channels are written only through tracked
    /// entities (the channel, widget and connector use cases), and the message path never tracks one, so this is a
    /// look over a handful of entries, without change detection (SaveChanges has just done it).
    /// </summary>
    private sealed class ChannelsSaved(ChannelCache cache) : SaveChangesInterceptor
    {
        public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
        {
            ForgetTracked(eventData.Context);
            return result;
        }

        public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            ForgetTracked(eventData.Context);
            return ValueTask.FromResult(result);
        }

        private void ForgetTracked(DbContext? context)
        {
            if (context is null) return;
            var tracker = context.ChangeTracker;
            var detect = tracker.AutoDetectChangesEnabled;
            tracker.AutoDetectChangesEnabled = false;
            try
            {
                foreach (var entry in tracker.Entries<Channel>()) cache.Forget(entry.Entity.Id);
            }
            finally
            {
                tracker.AutoDetectChangesEnabled = detect;
            }
        }
    }
}
