using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Inbound;
using Parley.Domain.Channels;
using Parley.Domain.Common;
using Channel = Parley.Domain.Channels.Channel;

namespace Parley.Server.Channels.Inbound;

/// <summary>Turns one stored update of its channel types into calls on the one path (ClientMessageService).</summary>
public interface IInboundProcessor
{
    bool Handles(ChannelType type);

    Task ProcessAsync(Channel channel, InboundReceipt receipt, CancellationToken ct);
}

/// <summary>
/// The processing half of durable inbound: works stored receipts oldest first, in the background. At start-up it picks
/// up whatever a previous run stored and did not finish, so a crash between receipt and processing loses nothing.
/// A receipt is claimed by bumping its attempt count in one conditional UPDATE, so two nodes never process it both.
/// </summary>
public sealed class InboundWorker(IServiceScopeFactory scopes, TimeProvider time, ILogger<InboundWorker> logger) : BackgroundService
{
    public const int MaxAttempts = 8;
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);

    /// <summary>Long enough for a slow file download; a node that died mid-processing gives the receipt back after it.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private readonly Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await ProcessOnceAsync(stoppingToken) > 0) continue;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Inbound pass failed");
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

    /// <summary>One pass over due receipts; returns how many were processed or tried.</summary>
    public async Task<int> ProcessOnceAsync(CancellationToken ct)
    {
        List<InboundReceipt> due;
        var now = time.GetUtcNow().UtcDateTime;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
            due = await db.InboundReceipts.AsNoTracking().Where(r => r.Status == InboundStatus.Pending && r.NextAttemptAt <= now)
                .OrderBy(r => r.Id).Take(100).ToListAsync(ct);
        }

        foreach (var receipt in due) await ProcessAsync(receipt, ct);
        return due.Count;
    }

    private async Task ProcessAsync(InboundReceipt receipt, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var attempts = receipt.Attempts;
        var leaseEnd = now + Lease;
        var claimed = await db.InboundReceipts.Where(r => r.Id == receipt.Id && r.Status == InboundStatus.Pending && r.Attempts == attempts)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Attempts, attempts + 1).SetProperty(r => r.NextAttemptAt, leaseEnd), ct);
        if (claimed == 0) return;
        receipt.Attempts = attempts + 1;

        string? error = null;
        var retry = false;
        try
        {
            var channel = await db.Channels.AsNoTracking().FirstAsync(c => c.Id == receipt.ChannelId, ct);
            var processor = scope.ServiceProvider.GetServices<IInboundProcessor>().FirstOrDefault(p => p.Handles(channel.Type))
                ?? throw new InvalidOperationException($"No inbound processor for {channel.Type} channels.");
            await processor.ProcessAsync(channel, receipt, ct);
        }
        catch (RuleViolationException ex)
        {
            // The update is understood but the rules refuse it (e.g. an old button pressed): retrying changes nothing.
            error = ex.Message;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Inbound receipt {Id} failed (attempt {Attempt})", receipt.Id, receipt.Attempts);
            error = ex.Message;
            retry = receipt.Attempts < MaxAttempts;
        }

        db.ChangeTracker.Clear();
        now = time.GetUtcNow().UtcDateTime;
        var status = error is null ? InboundStatus.Done : retry ? InboundStatus.Pending : InboundStatus.Failed;
        var next = retry ? now + OutboxDispatcher.Backoff(receipt.Attempts) : now;
        var trimmed = error is { Length: > 1000 } ? error[..1000] : error;
        DateTime? processedAt = status == InboundStatus.Pending ? null : now;
        await db.InboundReceipts.Where(r => r.Id == receipt.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, status).SetProperty(r => r.NextAttemptAt, next)
                .SetProperty(r => r.LastError, trimmed).SetProperty(r => r.ProcessedAt, processedAt), CancellationToken.None);
        if (error is not null) await ChannelHealth.NoteErrorAsync(db, receipt.ChannelId, now, $"Processing an incoming update failed: {error}", CancellationToken.None);
    }
}
