using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Parley.Bench.Data;

/// <summary>
/// Writes synthetic rows straight into the server's database (the API would take hours for ten million messages).
/// Values are Guid, string, bool, int, DateTime (UTC), Guid[] (a primitive collection) or null, stored the way the server's EF Core mapping stores them.
/// </summary>
public interface ISeedTarget : IAsyncDisposable
{
    Task<T?> ScalarAsync<T>(string sql, params object?[] values);

    Task ExecuteAsync(string sql);

    Task WriteAsync(string table, string[] columns, IEnumerable<object?[]> rows, CancellationToken ct);

    /// <summary>
    /// Secondary indexes of a big table (the search indexes on PostgreSQL among them) are dropped while it is loaded and
    /// built once at the end, far faster than row by row. The returned step builds them again from their own definitions.
    /// </summary>
    Task<Func<Task>> DropIndexesAsync(string table);

    /// <summary>
    /// The triggers that keep derived data — the folder and tag counts and, on SQLite, the search indexes (the DataScale and
    /// TagCounts migrations) — stop firing while the tables are loaded, instead of once per row. The returned step puts
    /// exactly the same triggers back and rebuilds that data from the loaded rows (each part timed by <paramref name="step"/>'s caller). A trigger the
    /// seeding does not know how to make up for is refused, so nothing derived is silently left stale.
    /// </summary>
    Task<Func<Step, Task>> SuspendTriggersAsync(string[] tables);

    /// <summary>Messages containing <paramref name="word"/>: as the search index finds them, and by reading every message.</summary>
    Task<(long Indexed, long Scanned)> SearchMessagesAsync(string word);

    /// <summary>Fresh planner statistics, as a database that has been running for a while would have.</summary>
    Task AnalyzeAsync();

    /// <summary><c>sqlite:PATH</c> or <c>postgres:CONNECTION STRING</c>.</summary>
    public static async Task<ISeedTarget> OpenAsync(string database)
    {
        if (database.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase)) return await SqliteSeedTarget.OpenAsync(database["sqlite:".Length..]);
        if (database.StartsWith("postgres:", StringComparison.OrdinalIgnoreCase)) return await PostgresSeedTarget.OpenAsync(database["postgres:".Length..]);
        throw new ArgumentException($"--database must be sqlite:PATH or postgres:CONNECTION, not '{database}'.");
    }

    /// <summary>The column name quoted for SQL (both databases accept double quotes).</summary>
    static string Quote(string name) => "\"" + name + "\"";
}

/// <summary>One named, timed part of the seeding.</summary>
public delegate Task Step(string name, Func<Task> run);

/// <summary>SQLite: prepared multi-row INSERTs in big transactions; Guids as upper-case text, times as EF Core's text format.</summary>
public sealed class SqliteSeedTarget : ISeedTarget
{
    /// <summary>
    /// Parameters per INSERT. SQLite finds each parameter by name in a list it scans from the start, so binding a statement
    /// costs the square of its parameter count: 200 rows of 27 columns spent more time there than inserting.
    /// </summary>
    private const int ParametersPerStatement = 250;
    private const int RowsPerTransaction = 200_000;
    private readonly SqliteConnection _connection;

    private SqliteSeedTarget(SqliteConnection connection) => _connection = connection;

    public static async Task<ISeedTarget> OpenAsync(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        var target = new SqliteSeedTarget(connection);
        await target.ExecuteAsync("PRAGMA busy_timeout=30000; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-1000000");
        return target;
    }

    public async Task<T?> ScalarAsync<T>(string sql, params object?[] values)
    {
        await using var command = Command(sql, values);
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : typeof(T) == typeof(Guid) ? (T)(object)Guid.Parse((string)result) : (T)Convert.ChangeType(result, typeof(T), CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = Command(sql, []);
        await command.ExecuteNonQueryAsync();
    }

    public async Task WriteAsync(string table, string[] columns, IEnumerable<object?[]> rows, CancellationToken ct)
    {
        SqliteCommand? full = null;
        var rowsPerStatement = Math.Max(1, ParametersPerStatement / columns.Length);
        var batch = new List<object?[]>(rowsPerStatement);
        var inTransaction = 0;
        var transaction = _connection.BeginTransaction();
        try
        {
            foreach (var row in rows)
            {
                batch.Add(row);
                if (batch.Count < rowsPerStatement) continue;
                full ??= Insert(table, columns, rowsPerStatement, transaction);
                await RunAsync(full, batch, ct);
                batch.Clear();
                if ((inTransaction += rowsPerStatement) < RowsPerTransaction) continue;
                transaction.Commit();
                transaction.Dispose();
                transaction = _connection.BeginTransaction();
                full.Transaction = transaction;
                inTransaction = 0;
            }

            if (batch.Count > 0)
            {
                await using var rest = Insert(table, columns, batch.Count, transaction);
                await RunAsync(rest, batch, ct);
            }

            transaction.Commit();
        }
        finally
        {
            transaction.Dispose();
            if (full is not null) await full.DisposeAsync();
        }
    }

    public async Task<Func<Task>> DropIndexesAsync(string table)
    {
        var definitions = await SchemaAsync("index", [table]);
        foreach (var (name, _, _) in definitions) await ExecuteAsync($"DROP INDEX {ISeedTarget.Quote(name)}");
        return async () =>
        {
            foreach (var (_, _, sql) in definitions) await ExecuteAsync(sql);
        };
    }

    public async Task<Func<Step, Task>> SuspendTriggersAsync(string[] tables)
    {
        // The search indexes are FTS5 tables with external content, each kept by triggers named after it.
        var schemaTables = await SchemaAsync("table", null);
        var searches = schemaTables.Where(t => t.Sql.Contains("USING fts5", StringComparison.OrdinalIgnoreCase)).Select(t => t.Name).ToArray();
        // The message index has a file of its own, fed by a queue that triggers named after it keep.
        var searchQueue = schemaTables.Any(t => t.Name == "MessageSearchQueue");
        var triggers = await SchemaAsync("trigger", tables);
        foreach (var (name, table, _) in triggers)
        {
            if (!name.StartsWith("ConversationCounts_", StringComparison.Ordinal) && !name.StartsWith("TagCounts_", StringComparison.Ordinal)
                && !searches.Append(searchQueue ? "MessageSearch" : null).Any(search => search is not null && name.StartsWith(search + "_", StringComparison.Ordinal)))
                throw new InvalidOperationException($"The seeding does not know what trigger {name} on {table} keeps, so it cannot load without it.");
        }

        foreach (var (name, _, _) in triggers) await ExecuteAsync($"DROP TRIGGER {ISeedTarget.Quote(name)}");
        return async step =>
        {
            // One write transaction: whatever the server wrote while the triggers were off is counted and indexed too.
            await ExecuteAsync("BEGIN IMMEDIATE");
            try
            {
                await step("triggers", async () =>
                {
                    foreach (var (_, _, sql) in triggers) await ExecuteAsync(sql);
                });
                await step("folder counts", async () =>
                {
                    await ExecuteAsync("DELETE FROM ConversationCounts");
                    await ExecuteAsync(Parley.Data.Migrations.Sqlite.CountsKey.Backfill);
                });
                await step("tag counts", async () =>
                {
                    await ExecuteAsync("DELETE FROM TagCounts");
                    await ExecuteAsync(Parley.Data.Migrations.Sqlite.TagCountsKey.Backfill);
                });
                // Messages queued for the index are in its rebuild below: the queue starts empty again.
                if (searchQueue) await ExecuteAsync("DELETE FROM MessageSearchQueue");
                foreach (var search in searches)
                    await step($"search index {search}", () => ExecuteAsync($"INSERT INTO {ISeedTarget.Quote(search)}({ISeedTarget.Quote(search)}) VALUES ('rebuild')"));
                await ExecuteAsync("COMMIT");
            }
            catch
            {
                await ExecuteAsync("ROLLBACK");
                throw;
            }

            // The message index's own file, built from the messages as of one moment after the load: what the server
            // writes later is queued after that moment and indexed by the server.
            if (searchQueue)
            {
                await step("search index MessageSearch", async () =>
                {
                    await Parley.Data.Conversations.MessageSearchFile.AttachAsync(_connection, CancellationToken.None);
                    try
                    {
                        await Parley.Data.Conversations.MessageSearchFile.BuildAsync(_connection, CancellationToken.None);
                    }
                    finally
                    {
                        await Parley.Data.Conversations.MessageSearchFile.DetachAsync(_connection, CancellationToken.None);
                    }
                });
            }
        };
    }

    public async Task<(long Indexed, long Scanned)> SearchMessagesAsync(string word)
    {
        // Every shown message is in the index (one size row each) or waits for it: the server may write while the seeding
        // ends, and that waits in the queue for its next batch. The index finds what LIKE finds among the shown messages
        // (an ASCII word: both fold its case).
        var shown = Parley.Data.Conversations.MessageSearchIndex.Shown("m");
        await Parley.Data.Conversations.MessageSearchFile.AttachAsync(_connection, CancellationToken.None);
        try
        {
            var indexedRows = await ScalarAsync<long>("SELECT COUNT(*) FROM search.MessageSearch_docsize");
            var queued = await ScalarAsync<long>($"""
                SELECT COUNT(*) FROM MessageSearchQueue q JOIN Messages m ON m.rowid = {Parley.Data.Conversations.MessageSearchIndex.MessageOf("q.EntryKey")}
                WHERE q.Seq > (SELECT LastSeq FROM search.SearchProgress) AND NOT q.Reindex AND {shown}
                """);
            var rows = await ScalarAsync<long>($"SELECT COUNT(*) FROM Messages m WHERE {shown}");
            if (indexedRows + queued != rows)
                throw new InvalidOperationException($"The search index has {indexedRows:N0} messages and {queued:N0} wait for it; {rows:N0} are shown.");
            var indexed = await ScalarAsync<long>("SELECT COUNT(*) FROM search.MessageSearch WHERE MessageSearch MATCH $1", "\"" + word + "\"");
            var scanned = await ScalarAsync<long>($"SELECT COUNT(*) FROM Messages m WHERE {shown} AND m.Text LIKE $1", "%" + word + "%");
            return (indexed, scanned);
        }
        finally
        {
            await Parley.Data.Conversations.MessageSearchFile.DetachAsync(_connection, CancellationToken.None);
        }
    }

    /// <summary>Schema objects of a type (on the given tables), with the SQL that made them.</summary>
    private async Task<List<(string Name, string Table, string Sql)>> SchemaAsync(string type, string[]? tables)
    {
        var objects = new List<(string Name, string Table, string Sql)>();
        await using var list = Command("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = $1 AND sql IS NOT NULL ORDER BY rowid", [type]);
        await using var reader = await list.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (tables is null || tables.Contains(reader.GetString(1))) objects.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return objects;
    }

    public Task AnalyzeAsync() => ExecuteAsync("ANALYZE");

    private SqliteCommand Insert(string table, string[] columns, int rows, SqliteTransaction transaction)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        var values = Enumerable.Range(0, rows).Select(r => "(" + string.Join(",", columns.Select((_, c) => $"$p{(r * columns.Length) + c}")) + ")");
        command.CommandText = $"INSERT INTO {ISeedTarget.Quote(table)} ({string.Join(",", columns.Select(ISeedTarget.Quote))}) VALUES {string.Join(",", values)}";
        for (var i = 0; i < rows * columns.Length; i++) command.Parameters.Add(new SqliteParameter($"$p{i}", DBNull.Value));
        command.Prepare();
        return command;
    }

    private static async Task RunAsync(SqliteCommand command, List<object?[]> rows, CancellationToken ct)
    {
        var i = 0;
        foreach (var row in rows)
        {
            foreach (var value in row) command.Parameters[i++].Value = Stored(value);
        }

        await command.ExecuteNonQueryAsync(ct);
    }

    private SqliteCommand Command(string sql, object?[] values)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++) command.Parameters.AddWithValue($"${i + 1}", Stored(values[i]));
        return command;
    }

    /// <summary>EF Core's SQLite mapping: Guid as upper-case text, DateTime as "yyyy-MM-dd HH:mm:ss.FFFFFFF", bool as 0/1, collections as JSON.</summary>
    private static object Stored(object? value) => value switch
    {
        null => DBNull.Value,
        Guid g => g.ToString().ToUpperInvariant(),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        bool b => b ? 1 : 0,
        Guid[] ids => System.Text.Json.JsonSerializer.Serialize(ids),
        _ => value,
    };

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}

/// <summary>PostgreSQL: binary COPY, one table at a time.</summary>
public sealed class PostgresSeedTarget : ISeedTarget
{
    private readonly NpgsqlConnection _connection;

    private PostgresSeedTarget(NpgsqlConnection connection) => _connection = connection;

    public static async Task<ISeedTarget> OpenAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0, Pooling = false };
        var connection = new NpgsqlConnection(builder.ToString());
        await connection.OpenAsync();
        var target = new PostgresSeedTarget(connection);
        await target.ExecuteAsync("SET maintenance_work_mem = '1GB'");
        return target;
    }

    public async Task<T?> ScalarAsync<T>(string sql, params object?[] values)
    {
        await using var command = Command(sql, values);
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : typeof(T) == typeof(Guid) ? (T)result : (T)Convert.ChangeType(result, typeof(T), CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = Command(sql, []);
        await command.ExecuteNonQueryAsync();
    }

    public async Task WriteAsync(string table, string[] columns, IEnumerable<object?[]> rows, CancellationToken ct)
    {
        var copy = $"COPY {ISeedTarget.Quote(table)} ({string.Join(",", columns.Select(ISeedTarget.Quote))}) FROM STDIN (FORMAT BINARY)";
        await using var writer = await _connection.BeginBinaryImportAsync(copy, ct);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(ct);
            foreach (var value in row)
            {
                // Binary COPY trusts the sender: each value must be written as exactly its column's type.
                var write = value switch
                {
                    null => writer.WriteNullAsync(ct),
                    string s => writer.WriteAsync(s, NpgsqlTypes.NpgsqlDbType.Text, ct),
                    Guid g => writer.WriteAsync(g, NpgsqlTypes.NpgsqlDbType.Uuid, ct),
                    bool b => writer.WriteAsync(b, NpgsqlTypes.NpgsqlDbType.Boolean, ct),
                    int i => writer.WriteAsync(i, NpgsqlTypes.NpgsqlDbType.Integer, ct),
                    DateTime t => writer.WriteAsync(t, NpgsqlTypes.NpgsqlDbType.TimestampTz, ct),
                    Guid[] ids => writer.WriteAsync(ids, NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid, ct),
                    _ => throw new ArgumentException($"No COPY type for {value.GetType().Name}."),
                };
                await write;
            }
        }

        await writer.CompleteAsync(ct);
    }

    public async Task<Func<Task>> DropIndexesAsync(string table)
    {
        // Exactly the migrations' definitions, as PostgreSQL reports them; the indexes behind constraints (the key) stay.
        var definitions = new List<(string Name, string Sql)>();
        await using (var list = Command(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = $1 AND i.schemaname = current_schema() " +
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", [table]))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) definitions.Add((reader.GetString(0), reader.GetString(1)));
        }

        foreach (var (name, _) in definitions) await ExecuteAsync($"DROP INDEX {ISeedTarget.Quote(name)}");
        return async () =>
        {
            foreach (var (_, sql) in definitions) await ExecuteAsync(sql);
        };
    }

    public async Task<Func<Step, Task>> SuspendTriggersAsync(string[] tables)
    {
        await using (var list = Command(
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid " +
            "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1)", [tables]))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                if (!reader.GetString(0).StartsWith("ConversationCounts_", StringComparison.Ordinal) && !reader.GetString(0).StartsWith("TagCounts_", StringComparison.Ordinal))
                    throw new InvalidOperationException($"The seeding does not know what trigger {reader.GetString(0)} on {reader.GetString(1)} keeps, so it cannot load without it.");
            }
        }

        // For this connection only (the server's own writes still fire them): no user triggers and no foreign-key checks,
        // which are triggers too; the seeder's rows refer only to rows it wrote before. The triggers themselves stay as they are.
        await ExecuteAsync("SET session_replication_role = replica");
        return async step =>
        {
            await ExecuteAsync("SET session_replication_role = DEFAULT");
            await step("folder counts", async () =>
            {
                // Writers of conversations wait for the recount (SHARE blocks them, not readers), so it misses none of theirs.
                await using var transaction = await _connection.BeginTransactionAsync();
                await ExecuteAsync("LOCK TABLE \"Conversations\" IN SHARE MODE");
                await ExecuteAsync("DELETE FROM \"ConversationCounts\"");
                await ExecuteAsync(Parley.Data.Migrations.Postgres.CountsKey.Backfill);
                await transaction.CommitAsync();
            });
            await step("tag counts", async () =>
            {
                await using var transaction = await _connection.BeginTransactionAsync();
                await ExecuteAsync("LOCK TABLE \"Conversations\", \"ClientTags\" IN SHARE MODE");
                await ExecuteAsync("DELETE FROM \"TagCounts\"");
                await ExecuteAsync(Parley.Data.Migrations.Postgres.TagCountsKey.Backfill);
                await transaction.CommitAsync();
            });
        };
    }

    public async Task<(long Indexed, long Scanned)> SearchMessagesAsync(string word)
    {
        if (!await ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE tablename = 'Messages' AND indexdef LIKE '%gin_trgm_ops%')"))
            throw new InvalidOperationException("The messages have no trigram index.");
        return (await CountAsync("enable_seqscan"), await CountAsync("enable_bitmapscan = off; SET LOCAL enable_indexscan"));

        // The same query with the planner kept off one way (the index, or else the table) for this transaction.
        async Task<long> CountAsync(string off)
        {
            await using var transaction = await _connection.BeginTransactionAsync();
            await ExecuteAsync($"SET LOCAL {off} = off");
            var count = await ScalarAsync<long>("SELECT COUNT(*) FROM \"Messages\" WHERE \"Text\" ILIKE $1", "%" + word + "%");
            await transaction.CommitAsync();
            return count;
        }
    }

    public Task AnalyzeAsync() => ExecuteAsync("VACUUM ANALYZE");

    private NpgsqlCommand Command(string sql, object?[] values)
    {
        var command = new NpgsqlCommand(sql, _connection);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
