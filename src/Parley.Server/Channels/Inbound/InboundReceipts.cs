using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Inbound;
using Parley.Domain.Channels;

namespace Parley.Server.Channels.Inbound;

/// <summary>
/// The receiving half of durable inbound: stores verified updates and wakes the worker. Only a committed receipt is
/// acknowledged to the provider, and a redelivery (the same key) is acknowledged without being stored again.
/// </summary>
public sealed class InboundReceipts(ParleyDbContext db, InboundWorker worker, TimeProvider time)
{
    public sealed record Item(string DedupeKey, string Payload);

    /// <summary>Stores the updates not seen before; returns how many were new.</summary>
    public async Task<int> StoreAsync(Channel channel, IReadOnlyList<Item> items, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var keys = items.Select(i => i.DedupeKey).ToList();
        var known = await db.InboundReceipts.Where(r => r.ChannelId == channel.Id && keys.Contains(r.DedupeKey)).Select(r => r.DedupeKey).ToListAsync(ct);
        var fresh = items.Where(i => !known.Contains(i.DedupeKey)).DistinctBy(i => i.DedupeKey).ToList();
        var stored = 0;
        foreach (var item in fresh)
        {
            var receipt = new InboundReceipt
            {
                CompanyId = channel.CompanyId,
                ChannelId = channel.Id,
                DedupeKey = item.DedupeKey,
                Payload = item.Payload,
                Status = InboundStatus.Pending,
                ReceivedAt = now,
                NextAttemptAt = now,
            };
            db.InboundReceipts.Add(receipt);
            try
            {
                await db.SaveChangesAsync(ct);
                stored++;
            }
            catch (DbUpdateException)
            {
                db.Entry(receipt).State = EntityState.Detached;
                // The same update arrived twice at once (a provider retry racing the first delivery): one of them is kept.
                if (!await db.InboundReceipts.AsNoTracking().AnyAsync(r => r.ChannelId == channel.Id && r.DedupeKey == item.DedupeKey, ct)) throw;
            }
        }

        await ChannelHealth.NoteReceivedAsync(db, channel.Id, now, ct);
        if (stored > 0) worker.Wake();
        return stored;
    }
}
