using Microsoft.Data.Sqlite;
using Parley.Data;
using Parley.Server.Infrastructure;

namespace Parley.Server.Tests.Data;

/// <summary>The write-ahead log is copied by the background pass, to its end, so that it starts over instead of growing.</summary>
public sealed class SqliteCheckpointerTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"parley-ckpt-{Guid.NewGuid():N}.db");

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString();

    [Fact]
    public async Task PassAsync_LogWrittenWithoutAutomaticCheckpoints_CopiesItAllAndTheLogStartsOver()
    {
        await using var writer = await OpenAsync();
        await ExecuteAsync(writer, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT);");
        for (var i = 0; i < 50; i++) await ExecuteAsync(writer, $"INSERT INTO t (body) VALUES ('{new string('x', 2000)}');");

        await using var checkpointer = await OpenAsync();
        var pass = await SqliteCheckpointer.PassAsync(checkpointer, ConnectionString, CancellationToken.None);

        Assert.False(pass.Busy);
        Assert.True(pass.LogPages >= 50, $"the log held {pass.LogPages} pages");
        Assert.Equal(pass.LogPages, pass.CopiedPages);

        // The next commit starts the log from its beginning: it holds that commit's pages only.
        await ExecuteAsync(writer, "INSERT INTO t (body) VALUES ('one more');");
        var after = await SqliteCheckpointer.CheckpointAsync(checkpointer, CancellationToken.None);
        Assert.InRange(after.LogPages, 1, 5);
        Assert.Equal(50 + 1, await CountAsync(checkpointer));
    }

    [Fact]
    public async Task PassAsync_WriteGateHeld_WaitsForTheWriterBeforeTheLastStep()
    {
        await using var writer = await OpenAsync();
        await ExecuteAsync(writer, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT);");
        await ExecuteAsync(writer, "INSERT INTO t (body) VALUES ('first');");
        var gate = SqliteWriteGate.For(ConnectionString);
        await gate.WaitAsync();

        await using var checkpointer = await OpenAsync();
        var pass = SqliteCheckpointer.PassAsync(checkpointer, ConnectionString, CancellationToken.None);
        Assert.False(pass.IsCompleted);

        gate.Release();
        var result = await pass;
        Assert.Equal(result.LogPages, result.CopiedPages);
    }

    public void Dispose()
    {
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            if (File.Exists(file)) File.Delete(file);
        }
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM t;";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
