using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Server.Infrastructure;

namespace Parley.Server.Tests.Data;

/// <summary>
/// A server stopped in the middle of a SQLite migration leaves EF Core's lock row behind, and the next start waits for it
/// without end: the wait is said in the log with what to do, and the migration goes on once the row is gone.
/// </summary>
public sealed class MigrationLockTests
{
    [Fact]
    public async Task Migrate_SqliteLockLeftBehind_SaysSoAndWaits_ThenMigratesWhenItIsGone()
    {
        var path = Path.Combine(Path.GetTempPath(), $"parley_lock_{Guid.NewGuid():N}.db");
        try
        {
            await ExecuteAsync(path, """
                CREATE TABLE "__EFMigrationsLock" ("Id" INTEGER NOT NULL CONSTRAINT "PK___EFMigrationsLock" PRIMARY KEY, "Timestamp" TEXT NOT NULL);
                INSERT INTO "__EFMigrationsLock" VALUES (1, '2026-11-20 08:00:00+00:00');
                """);
            var log = new WarningLog();
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Parley"] = $"Data Source={path}" })
                .Build();
            await using var services = new ServiceCollection()
                .AddSingleton(TimeProvider.System)
                .AddLogging(b => b.AddProvider(log))
                .AddParleyDatabase(configuration)
                .BuildServiceProvider();

            var migrating = services.MigrateDatabaseAsync();
            var warning = await log.First.Task.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Contains("2026-11-20 08:00:00", warning, StringComparison.Ordinal);
            Assert.Contains($"sqlite3 \"{path}\" \"DELETE FROM __EFMigrationsLock\"", warning, StringComparison.Ordinal);
            Assert.False(migrating.IsCompleted);

            await ExecuteAsync(path, """DELETE FROM "__EFMigrationsLock";""");
            await migrating.WaitAsync(TimeSpan.FromSeconds(120));
            Assert.True(await ScalarAsync(path, """SELECT count(*) FROM "__EFMigrationsHistory";""") > 0);
            Assert.Equal(0, await ScalarAsync(path, """SELECT count(*) FROM "__EFMigrationsLock";"""));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, Parley.Data.Conversations.MessageSearchFile.PathFor($"Data Source={path}")! })
                foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(file + suffix);
        }
    }

    private static async Task ExecuteAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Keeps the first warning logged.</summary>
    private sealed class WarningLog : ILoggerProvider, ILogger
    {
        public TaskCompletionSource<string> First { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) First.TrySetResult(formatter(state, exception));
        }

        public void Dispose()
        {
        }
    }
}
