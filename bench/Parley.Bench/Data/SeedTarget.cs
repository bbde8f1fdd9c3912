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

    /// <summary>Secondary indexes of a big table are dropped while it is loaded and built once at the end, far faster than row by row.</summary>
    Task<IAsyncDisposable> WithoutIndexesAsync(string table);

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

/// <summary>SQLite: prepared multi-row INSERTs in big transactions; Guids as upper-case text, times as EF Core's text format.</summary>
public sealed class SqliteSeedTarget : ISeedTarget
{
    private const int RowsPerStatement = 200;
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
        var batch = new List<object?[]>(RowsPerStatement);
        var inTransaction = 0;
        var transaction = _connection.BeginTransaction();
        try
        {
            foreach (var row in rows)
            {
                batch.Add(row);
                if (batch.Count < RowsPerStatement) continue;
                full ??= Insert(table, columns, RowsPerStatement, transaction);
                await RunAsync(full, batch, ct);
                batch.Clear();
                if ((inTransaction += RowsPerStatement) < RowsPerTransaction) continue;
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

    public async Task<IAsyncDisposable> WithoutIndexesAsync(string table)
    {
        var definitions = new List<(string Name, string Sql)>();
        await using (var list = Command("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL", [table]))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) definitions.Add((reader.GetString(0), reader.GetString(1)));
        }

        foreach (var (name, _) in definitions) await ExecuteAsync($"DROP INDEX {ISeedTarget.Quote(name)}");
        return new Restore(async () =>
        {
            foreach (var (_, sql) in definitions) await ExecuteAsync(sql);
        });
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

    private sealed class Restore(Func<Task> restore) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await restore();
    }
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

    public async Task<IAsyncDisposable> WithoutIndexesAsync(string table)
    {
        var definitions = new List<(string Name, string Sql)>();
        await using (var list = Command(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = $1 AND i.schemaname = current_schema() " +
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", [table]))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) definitions.Add((reader.GetString(0), reader.GetString(1)));
        }

        foreach (var (name, _) in definitions) await ExecuteAsync($"DROP INDEX {ISeedTarget.Quote(name)}");
        return new Restore(async () =>
        {
            foreach (var (_, sql) in definitions) await ExecuteAsync(sql);
        });
    }

    public Task AnalyzeAsync() => ExecuteAsync("VACUUM ANALYZE");

    private NpgsqlCommand Command(string sql, object?[] values)
    {
        var command = new NpgsqlCommand(sql, _connection);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();

    private sealed class Restore(Func<Task> restore) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await restore();
    }
}
