using Microsoft.Data.Sqlite;
using Parley.Data;

namespace Parley.Server.Infrastructure;

/// <summary>
/// Copies SQLite's write-ahead log into the database file once a second, on its own connection, so that no commit
/// has to. Left to SQLite, the commit that fills the log to 1,000 pages runs the checkpoint itself — two fsyncs —
/// while it still holds the one write lock, and every other writer waits behind it: under a steady chat load that was
/// a commit every half second, and the fsyncs of this machine's disk took up to 130 ms.
/// </summary>
/// <remarks>
/// Each pass copies in two steps. First, while writers go on appending, a passive checkpoint copies the bulk of the
/// log. Then, holding the write gate (<see cref="SqliteWriteGate"/>) so that nothing is appended meanwhile, a second
/// one copies the little written since: only a log copied to its end can start over from its beginning at the next
/// commit. Without that step the log never got to start over under a steady load and grew by 20 MB a second.
/// </remarks>
/// <remarks>Automatic checkpoints are switched off per connection (<see cref="SqlitePragmas"/>).</remarks>
public sealed class SqliteCheckpointer(SqliteCheckpointer.Target target, ILogger<SqliteCheckpointer> logger)
    : SqliteBackgroundPass(target, logger, Interval)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>The server's SQLite database (its connection string), for the background passes.</summary>
    public sealed record Target(string ConnectionString);

    /// <summary>What one checkpoint did: pages in the log, pages copied to the database (SQLite's own counts).</summary>
    public readonly record struct Result(bool Busy, long LogPages, long CopiedPages);

    protected override string Name => "checkpoint";

    protected override Task RunAsync(SqliteConnection connection, string connectionString, CancellationToken ct) =>
        PassAsync(connection, connectionString, ct);

    /// <summary>One pass: the bulk while writers write, the rest while they wait (see the remarks).</summary>
    public static async Task<Result> PassAsync(SqliteConnection connection, string connectionString, CancellationToken ct)
    {
        var bulk = await CheckpointAsync(connection, ct);
        if (bulk.LogPages <= 0) return bulk;
        var gate = SqliteWriteGate.For(connectionString);
        await gate.WaitAsync(ct);
        try
        {
            return await CheckpointAsync(connection, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>One passive checkpoint on <paramref name="connection"/>: copies what no reader still needs, never waits.</summary>
    public static async Task<Result> CheckpointAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return default;
        return new Result(reader.GetInt64(0) != 0, reader.GetInt64(1), reader.GetInt64(2));
    }
}
