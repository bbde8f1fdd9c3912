using Microsoft.Data.Sqlite;
using Parley.Server.Infrastructure;

namespace Parley.Server.Tests.Data;

/// <summary>
/// A statement run again on the same native connection is the one compiled the first time, reset, and it behaves as a
/// fresh one: new parameters, after a failed run, after a half-read result, after the schema changed.
/// </summary>
public sealed class SqliteStatementCacheTests : IAsyncLifetime, IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:;Pooling=False");

    public SqliteStatementCacheTests() => SqliteStatementCache.Install();

    private IntPtr Handle => _connection.Handle!.DangerousGetHandle();

    public async Task InitializeAsync() => await _connection.OpenAsync();

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    public void Dispose() => _connection.Dispose();

    [Fact]
    public async Task SameTextThreeTimes_CompiledOnce_EachRunWithItsOwnParameters()
    {
        var results = new List<long>();
        foreach (var x in new[] { 1, 20, 300 }) results.Add(await ScalarAsync("SELECT $x + 1", ("$x", x)));

        Assert.Equal([2L, 21L, 301L], results);
        Assert.Equal((1, 2, 1), SqliteStatementCache.Of(Handle));
    }

    [Fact]
    public async Task RunThatFailed_NextRunOfTheSameText_Succeeds()
    {
        await ExecuteAsync("CREATE TABLE t (x INTEGER UNIQUE)");
        const string insert = "INSERT INTO t (x) VALUES ($x)";
        await ExecuteAsync(insert, ("$x", 1));

        await Assert.ThrowsAsync<SqliteException>(() => ExecuteAsync(insert, ("$x", 1)));
        await ExecuteAsync(insert, ("$x", 2));

        Assert.Equal(2, await ScalarAsync("SELECT count(*) FROM t"));
        Assert.Equal(2, SqliteStatementCache.Of(Handle)!.Value.Reused);
    }

    [Fact]
    public async Task ResultLeftHalfRead_NextRun_StartsFromTheFirstRow()
    {
        const string three = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT i FROM n";
        await using (var first = Command(three))
        await using (var reader = await first.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(1, reader.GetInt64(0));
        }

        var rows = new List<long>();
        await using (var again = Command(three))
        await using (var reader = await again.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) rows.Add(reader.GetInt64(0));
        }

        Assert.Equal([1L, 2L, 3L], rows);
        Assert.Equal(1, SqliteStatementCache.Of(Handle)!.Value.Reused);
    }

    [Fact]
    public async Task SchemaChangedSinceTheFirstRun_KeptStatement_SeesTheNewColumn()
    {
        await ExecuteAsync("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)");
        Assert.Equal(1, await FieldCountAsync("SELECT * FROM t"));

        await ExecuteAsync("ALTER TABLE t ADD COLUMN y TEXT");

        Assert.Equal(2, await FieldCountAsync("SELECT * FROM t"));
    }

    [Fact]
    public async Task CommandOfSeveralStatements_RunTwice_EachStatementKeptAndRunInOrder()
    {
        await ExecuteAsync("CREATE TABLE t (x INTEGER)");
        const string both = "INSERT INTO t (x) VALUES ($x); SELECT sum(x) FROM t";

        Assert.Equal(5, await ScalarAsync(both, ("$x", 5)));
        Assert.Equal(12, await ScalarAsync(both, ("$x", 7)));
        var kept = SqliteStatementCache.Of(Handle)!.Value;
        Assert.Equal(2, kept.Reused);
    }

    [Fact]
    public async Task ConnectionClosed_WhatItKeptIsFinalised()
    {
        Assert.Equal(3, await ScalarAsync("SELECT 3"));
        var handle = Handle;
        Assert.Equal(1, SqliteStatementCache.Of(handle)!.Value.Idle);

        await _connection.CloseAsync();

        Assert.Null(SqliteStatementCache.Of(handle));
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<int> FieldCountAsync(string sql)
    {
        await using var command = Command(sql);
        await using var reader = await command.ExecuteReaderAsync();
        return reader.FieldCount;
    }
}
