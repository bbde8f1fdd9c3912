using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Inbound;

namespace Parley.Server.Channels.Inbound;

/// <summary>Keeps each channel's health line (last update received, last delivery, last error) for the console.</summary>
public static class ChannelHealth
{
    public static Task NoteReceivedAsync(ParleyDbContext db, Guid channelId, DateTime now, CancellationToken ct) =>
        UpdateAsync(db, channelId, s => s.LastReceivedAt = now, ct);

    public static Task NoteErrorAsync(ParleyDbContext db, Guid channelId, DateTime now, string error, CancellationToken ct) =>
        UpdateAsync(db, channelId, s =>
        {
            s.LastErrorAt = now;
            s.LastError = error.Length > 1000 ? error[..1000] : error;
        }, ct);

    public static Task NoteDeliveryAsync(ParleyDbContext db, Guid channelId, DateTime now, bool sent, string? error, CancellationToken ct) =>
        sent ? UpdateAsync(db, channelId, s => s.LastSentAt = now, ct)
        : error is null ? Task.CompletedTask
        : NoteErrorAsync(db, channelId, now, error, ct);

    public static Task SetPollOffsetAsync(ParleyDbContext db, Guid channelId, long offset, CancellationToken ct) =>
        UpdateAsync(db, channelId, s => s.PollOffset = offset, ct);

    /// <summary>
    /// Health is advisory: it is written in its own small save, and losing a race for the first row of a channel only
    /// costs one line of health, never the caller's work.
    /// </summary>
    private static async Task UpdateAsync(ParleyDbContext db, Guid channelId, Action<ChannelState> change, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var state = await db.ChannelStates.FirstOrDefaultAsync(s => s.ChannelId == channelId, ct);
            if (state is null)
            {
                state = new ChannelState { ChannelId = channelId };
                db.ChannelStates.Add(state);
            }

            change(state);
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException)
            {
                db.Entry(state).State = EntityState.Detached;
            }
        }
    }
}
