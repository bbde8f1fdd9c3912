using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Outbox;
using Parley.Domain.Messages;
using Parley.Server.Channels.Inbound;
using Parley.Server.Conversations;
using Parley.Server.Realtime;

namespace Parley.Server.Channels;

/// <summary>
/// Works the outbox: oldest first, one conversation's deliveries strictly in order, retries with exponential backoff,
/// delivery status pushed live. Rows are committed with their messages, so a restart resumes where it stopped.
/// </summary>
public sealed class OutboxDispatcher(IServiceScopeFactory scopes, IEventBus bus, TimeProvider time, ILogger<OutboxDispatcher> logger)
    : BackgroundService, IEventHandler
{
    public const int MaxAttempts = 8;

    /// <summary>How long a claim keeps other dispatchers off a delivery; longer than any send's HTTP timeout.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);
    private readonly string _node = NodeName();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public Task HandleAsync(ParleyEvent e, CancellationToken cancellationToken)
    {
        if (e is MessageAdded { Message.DeliveryStatus: DeliveryStatus.Queued } or MessageChanged { Change: Changes.Edited or Changes.Deleted })
            _wake.Writer.TryWrite(true);
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var worked = await DispatchOnceAsync(stoppingToken);
                if (worked > 0) continue;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Outbox pass failed");
            }

            using var idle = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            idle.CancelAfter(Idle);
            try
            {
                await _wake.Reader.ReadAsync(idle.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>One pass over due deliveries; returns how many were attempted.</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var senders = scope.ServiceProvider.GetRequiredService<ChannelSenders>();
        var now = time.GetUtcNow().UtcDateTime;

        var pending = await db.Outbox.Where(o => o.Status == OutboxStatus.Pending).OrderBy(o => o.Id).Take(200).ToListAsync(ct);
        var attempted = 0;
        foreach (var conversation in pending.GroupBy(o => o.ConversationId))
        {
            // Order per conversation: stop at the first delivery that is not due yet or fails.
            foreach (var delivery in conversation)
            {
                if (delivery.NextAttemptAt > now) break;
                // Another dispatcher (another node, or this one before a restart) holds the conversation's head: its
                // deliveries wait, so nothing is sent twice and the order holds.
                if (!await ClaimAsync(db, delivery, now, ct)) break;
                attempted++;
                bool done;
                try
                {
                    done = await DeliverAsync(db, senders, delivery, now, ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    await ReleaseAsync(db, delivery);
                    throw;
                }

                if (!done) break;
            }
        }

        return attempted;
    }

    /// <summary>
    /// Takes the delivery for this dispatcher with a lease, in one conditional UPDATE: only if it is still pending, at the
    /// attempt count this pass read, and nobody else's lease is running. Two dispatchers on one database never both win.
    /// </summary>
    private async Task<bool> ClaimAsync(ParleyDbContext db, OutboxDelivery delivery, DateTime now, CancellationToken ct)
    {
        var until = now + Lease;
        var attempts = delivery.Attempts;
        var node = _node;
        var won = await db.Outbox
            .Where(o => o.Id == delivery.Id && o.Status == OutboxStatus.Pending && o.Attempts == attempts
                && (o.ClaimedUntil == null || o.ClaimedUntil <= now || o.ClaimedBy == node))
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.ClaimedBy, node).SetProperty(o => o.ClaimedUntil, until), ct);
        if (won == 0) return false;

        // The tracked row must know the claim is stored, so that clearing it on save is written.
        var entry = db.Entry(delivery);
        delivery.ClaimedBy = node;
        delivery.ClaimedUntil = until;
        entry.Property(o => o.ClaimedBy).OriginalValue = node;
        entry.Property(o => o.ClaimedUntil).OriginalValue = until;
        return true;
    }

    private static async Task ReleaseAsync(ParleyDbContext db, OutboxDelivery delivery)
    {
        var id = delivery.Id;
        var node = delivery.ClaimedBy;
        try
        {
            await db.Outbox.Where(o => o.Id == id && o.ClaimedBy == node)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.ClaimedBy, (string?)null).SetProperty(o => o.ClaimedUntil, (DateTime?)null), CancellationToken.None);
        }
        catch (Exception)
        {
            // Shutting down: the lease runs out by itself.
        }
    }

    private async Task<bool> DeliverAsync(ParleyDbContext db, ChannelSenders senders, OutboxDelivery delivery, DateTime now, CancellationToken ct)
    {
        var channel = await db.Channels.AsNoTracking().FirstAsync(c => c.Id == delivery.ChannelId, ct);
        var message = await db.Messages.FirstAsync(m => m.Id == delivery.MessageId, ct);
        var conversation = await db.Conversations.AsNoTracking().FirstAsync(c => c.Id == delivery.ConversationId, ct);
        var externalId = await db.ClientIdentities.Where(i => i.ClientId == conversation.ClientId && i.ChannelId == channel.Id)
            .Select(i => i.ExternalId).FirstOrDefaultAsync(ct);
        var sender = senders.Find(channel.Type);

        SendResult result;
        try
        {
            result = sender is null
                ? SendResult.Failed($"No sender for {channel.Type} channels.")
                : await sender.DeliverAsync(new OutboundDelivery(channel, conversation.Id, conversation.ClientId, externalId, message, delivery.Kind), ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Whatever a sender throws (the network, a timeout, a library's surprise) is one failed attempt: retried
            // with backoff and failed after MaxAttempts, instead of blocking the conversation's queue forever.
            logger.LogWarning(ex, "Delivery {Delivery} threw", delivery.Id);
            result = SendResult.Transient(ex.Message);
        }

        delivery.Attempts++;
        delivery.ClaimedBy = null;
        delivery.ClaimedUntil = null;
        if (result.Ok)
        {
            delivery.Status = OutboxStatus.Done;
            delivery.CompletedAt = now;
            if (delivery.Kind == OutboxKind.Send)
            {
                message.DeliveryStatus = DeliveryStatus.Sent;
                message.ChannelMessageId ??= result.ChannelMessageId;
                message.DeliveryError = null;
            }
        }
        else if (result.Retry && delivery.Attempts < MaxAttempts)
        {
            delivery.LastError = Trim(result.Error);
            delivery.NextAttemptAt = now + (result.RetryAfter ?? Backoff(delivery.Attempts));
        }
        else
        {
            delivery.Status = OutboxStatus.Failed;
            delivery.LastError = Trim(result.Error);
            delivery.CompletedAt = now;
            if (delivery.Kind == OutboxKind.Send)
            {
                message.DeliveryStatus = DeliveryStatus.Failed;
                message.DeliveryError = Trim(result.Error);
            }
            else
            {
                // The message stays as it was sent; the team sees that the client still has the old version.
                message.DeliveryError = Trim($"The {(delivery.Kind == OutboxKind.Edit ? "edit" : "deletion")} did not reach the client: {result.Error}");
            }
        }

        await db.SaveChangesAsync(ct);
        await ChannelHealth.NoteDeliveryAsync(db, channel.Id, now, result.Ok, delivery.Status == OutboxStatus.Pending ? null : result.Error, ct);
        if (delivery.Status == OutboxStatus.Done && delivery.Kind == OutboxKind.Send || delivery.Status == OutboxStatus.Failed)
        {
            var client = await db.Clients.AsNoTracking().Where(c => c.Id == conversation.ClientId).Select(c => new { c.Name, c.PhotoUrl }).FirstAsync(ct);
            bus.Publish(new MessageChanged(conversation.CompanyId, ConversationItem.From(conversation, client.Name, client.PhotoUrl),
                MessageDto.From(message, withAudit: false), Changes.Delivery));
        }

        // A failed delivery does not hold back the rest of the conversation; a retrying one does.
        return delivery.Status != OutboxStatus.Pending;
    }

    /// <summary>Unique per running dispatcher: a restarted process must not mistake an old claim for its own.</summary>
    private static string NodeName()
    {
        var name = $"{Guid.NewGuid():N}/{Environment.ProcessId}/{Environment.MachineName}";
        return name.Length > 64 ? name[..64] : name;
    }

    /// <summary>2 s, 4 s, 8 s ... capped at 5 minutes.</summary>
    public static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, attempts)));

    private static string? Trim(string? error) => error is { Length: > 1000 } ? error[..1000] : error;
}
