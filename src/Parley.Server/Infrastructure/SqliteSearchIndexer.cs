using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Conversations;

namespace Parley.Server.Infrastructure;

/// <summary>
/// Puts queued changes into SQLite's trigram index, which has a database file of its own (<see cref="MessageSearchFile"/>),
/// a batch at a time (<see cref="MessageSearchQueue"/>): four times a second in the background, and before every search
/// reads the index, so a search finds every message committed before it. Indexed one by one, inside each message's own
/// commit, FTS5 wrote a new index segment per message; in batches in the main file, each batch held the one write lock
/// that every message needs for 10–40 ms. Now only the index file's writers queue for it, and the main file's write lock
/// is taken for a moment to forget what was indexed.
/// </summary>
/// <remarks>Correctness does not depend on the interval: a search indexes what waits before it reads the index anyway.</remarks>
public sealed class SqliteSearchIndexer(SqliteCheckpointer.Target target, ILogger<SqliteSearchIndexer> logger)
    : SqliteBackgroundPass(target, logger, Interval)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    protected override string Name => "search indexing";

    protected override Task RunAsync(SqliteConnection connection, string connectionString, CancellationToken ct) =>
        IndexQueuedAsync(connection, connectionString, ct);

    /// <summary>
    /// Indexes everything queued on a connection of its own (which it attaches the index's file to), then takes it off
    /// the queue; returns how many changes it indexed.
    /// </summary>
    public static async Task<int> IndexQueuedAsync(SqliteConnection connection, string connectionString, CancellationToken ct)
    {
        await MessageSearchFile.AttachAsync(connection, ct);
        var total = await MessageSearchFile.AnyWaitingAsync(connection, ct) ? await IndexWaitingAsync(connection, connectionString, ct) : 0;
        // Searches index too and leave the forgetting to this pass, as does a crash between the two steps.
        if (!await MessageSearchFile.AnyIndexedAsync(connection, ct)) return total;
        var gate = SqliteWriteGate.For(connectionString);
        await gate.WaitAsync(ct);
        try
        {
            await MessageSearchFile.ForgetIndexedAsync(connection, ct);
        }
        finally
        {
            gate.Release();
        }

        return total;
    }

    /// <summary>
    /// What a search does first, on the request's open connection with the index's file attached: everything queued goes
    /// into the index (the background pass takes it off the queue later).
    /// </summary>
    public static async Task CatchUpAsync(ParleyDbContext db, CancellationToken ct)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        if (await MessageSearchFile.AnyWaitingAsync(connection, ct)) await IndexWaitingAsync(connection, db.Database.GetConnectionString(), ct);
    }

    /// <summary>Indexes the queue's waiting changes, a batch per transaction, holding the index file's write gate.</summary>
    private static async Task<int> IndexWaitingAsync(SqliteConnection connection, string? connectionString, CancellationToken ct)
    {
        var total = 0;
        var gate = SqliteWriteGate.ForSearch(connectionString);
        await gate.WaitAsync(ct);
        try
        {
            int batch;
            while ((batch = await MessageSearchFile.IndexBatchAsync(connection, ct)) > 0) total += batch;
            // The index file's only writers are these passes: with its log copied to the end, the next one starts it over.
            if (total > 0) await MessageSearchFile.CheckpointAsync(connection, ct);
        }
        finally
        {
            gate.Release();
        }

        return total;
    }
}
