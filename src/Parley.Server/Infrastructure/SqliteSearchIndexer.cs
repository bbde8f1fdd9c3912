using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Conversations;

namespace Parley.Server.Infrastructure;

/// <summary>
/// Puts new messages into SQLite's trigram index a batch at a time (<see cref="MessageSearchQueue"/>): four times a
/// second in the background, and before every search reads the index, so a search finds every message committed
/// before it. Indexed one by one, inside each message's own commit, FTS5 wrote a new index segment per message: about
/// 190 µs of the one write lock per message, against about 10 µs in batches.
/// </summary>
/// <remarks>Correctness does not depend on the interval: a search indexes what waits before it reads the index anyway.</remarks>
public sealed class SqliteSearchIndexer(SqliteCheckpointer.Target target, ILogger<SqliteSearchIndexer> logger)
    : SqliteBackgroundPass(target, logger, Interval)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    protected override string Name => "search indexing";

    protected override Task RunAsync(SqliteConnection connection, string connectionString, CancellationToken ct) =>
        IndexQueuedAsync(connection, connectionString, ct);

    /// <summary>Indexes everything queued, a batch per write transaction, on a connection of its own; returns how many.</summary>
    public static async Task<int> IndexQueuedAsync(SqliteConnection connection, string connectionString, CancellationToken ct)
    {
        var total = 0;
        var gate = SqliteWriteGate.For(connectionString);
        while (await AnyWaitingAsync(connection, ct))
        {
            await gate.WaitAsync(ct);
            try
            {
                await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
                var batch = await ExecuteAsync(connection, transaction, MessageSearchQueue.IndexBatch, ct);
                await ExecuteAsync(connection, transaction, MessageSearchQueue.ForgetBatch, ct);
                await transaction.CommitAsync(ct);
                total += batch;
            }
            finally
            {
                gate.Release();
            }
        }

        return total;
    }

    /// <summary>What a search does first, on the request's context: everything queued goes into the index.</summary>
    public static async Task CatchUpAsync(ParleyDbContext db, CancellationToken ct)
    {
        while (await db.Database.SqlQueryRaw<bool>(MessageSearchQueue.AnyWaiting + " AS \"Value\"").SingleAsync(ct))
        {
            await using var transaction = await db.BeginWriteTransactionAsync(ct);
            await db.Database.ExecuteSqlRawAsync(MessageSearchQueue.IndexBatch, ct);
            await db.Database.ExecuteSqlRawAsync(MessageSearchQueue.ForgetBatch, ct);
            await transaction.CommitAsync(ct);
        }
    }

    private static async Task<bool> AnyWaitingAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = MessageSearchQueue.AnyWaiting;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) != 0;
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync(ct);
    }
}
