using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using Parley.Data;

namespace Parley.Server.Infrastructure;

public static class Database
{
    /// <summary>
    /// Contexts kept for reuse: enough for two cores' worth of concurrent requests. More requests at once than this
    /// still get a context (a new one); a bigger pool would only keep more idle contexts alive after a burst.
    /// </summary>
    private const int PoolSize = 32;

    /// <summary>SQLite by default (a file under ./data/), PostgreSQL with Database:Provider=Postgres.</summary>
    /// <remarks>
    /// Contexts are pooled: every hub call and request needs one, and building a context's options and services anew
    /// for each was a measurable share of a chat message's cost.
    /// </remarks>
    public static IServiceCollection AddParleyDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration["Database:Provider"] ?? "Sqlite";
        var connectionString = configuration.GetConnectionString("Parley") ?? "Data Source=data/parley.db";
        services.AddSingleton<Channels.ChannelCache>();
        static IInterceptor[] Interceptors(IServiceProvider sp) => [sp.GetRequiredService<Channels.ChannelCache>().Invalidator];

        if (provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase) || provider.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase))
        {
            connectionString = TunePostgres(connectionString);
            services.AddDbContextPool<ParleyDbContext, PostgresParleyDbContext>((sp, o) => o.UseNpgsql(connectionString).AddInterceptors(Interceptors(sp)), PoolSize);
            services.AddPooledDbContextFactory<PostgresParleyDbContext>((sp, o) => o.UseNpgsql(connectionString).AddInterceptors(Interceptors(sp)), PoolSize);
            services.AddScoped<IDbContextFactory<ParleyDbContext>, ContextFactory<PostgresParleyDbContext>>();
        }
        else if (provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            connectionString = PrepareSqlite(connectionString);
            SqliteStatementCache.Install();
            services.AddDbContextPool<ParleyDbContext, SqliteParleyDbContext>((sp, o) => UseSqlite(o, connectionString).AddInterceptors(Interceptors(sp)), PoolSize);
            services.AddPooledDbContextFactory<SqliteParleyDbContext>((sp, o) => UseSqlite(o, connectionString).AddInterceptors(Interceptors(sp)), PoolSize);
            services.AddScoped<IDbContextFactory<ParleyDbContext>, ContextFactory<SqliteParleyDbContext>>();
            services.AddSingleton(new SqliteCheckpointer.Target(connectionString));
            services.AddHostedService<SqliteCheckpointer>();
            services.AddHostedService<SqliteSearchIndexer>();
        }
        else
        {
            throw new InvalidOperationException($"Database:Provider '{provider}' is not known. Use Sqlite or Postgres.");
        }

        return services;
    }

    /// <summary>Applies the provider's migrations; the app is usable right after.</summary>
    /// <remarks>
    /// On SQLite EF Core takes a row in <c>__EFMigrationsLock</c> for the migration and waits for one that is there without
    /// end; a server stopped in the middle of a migration leaves its row behind. A lock taken before this start is said
    /// in the log, with what to do, instead of a silent wait. (PostgreSQL's is an advisory lock, gone with its session.)
    /// </remarks>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        if (db.Database.IsSqlite() && await SqliteMigrationLockAsync(db) is { } since)
        {
            var file = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Database));
#pragma warning disable CA1873 // at most once, at start-up
            logger.LogWarning(
                "The database's migration lock has been taken since {Since}: waiting for it. If no other Parley server (or dotnet ef) is " +
                "migrating {File}, one was stopped during a migration: stop this server, run sqlite3 \"{File}\" \"DELETE FROM __EFMigrationsLock\" " +
                "and start it again.", since, file, file);
#pragma warning restore CA1873
        }

        await db.Database.MigrateAsync();
        if (db.Database.IsSqlite()) await EnsureSearchFileAsync(db, scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Database)));
    }

    /// <summary>
    /// SQLite: the message index's own file (<see cref="Data.Conversations.MessageSearchFile"/>) is made, and filled from
    /// every message when it is new or another database's, before the server serves anything.
    /// </summary>
    private static async Task EnsureSearchFileAsync(ParleyDbContext db, ILogger logger)
    {
        if (Data.Conversations.MessageSearchFile.PathFor(db.Database.GetConnectionString()!) is not { } path) return;
        await using var connection = new SqliteConnection(db.Database.GetConnectionString());
        await connection.OpenAsync();
        await Data.Conversations.MessageSearchFile.AttachAsync(connection, CancellationToken.None);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var filled = await Data.Conversations.MessageSearchFile.EnsureAsync(connection, CancellationToken.None);
#pragma warning disable CA1873 // at most once, at start-up
        if (filled > 0)
            logger.LogInformation("Built the search index {Path} from {Messages} messages in {Elapsed}", path, filled, System.Diagnostics.Stopwatch.GetElapsedTime(started));
#pragma warning restore CA1873
    }

    /// <summary>When the SQLite database's migration lock was taken, if it is: by another process, as this one has not.</summary>
    private static async Task<string?> SqliteMigrationLockAsync(ParleyDbContext db)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock'";
            if (Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 0) return null;
            command.CommandText = "SELECT \"Timestamp\" FROM \"__EFMigrationsLock\"";
            return await command.ExecuteScalarAsync() as string;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static DbContextOptionsBuilder UseSqlite(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString)
            .AddInterceptors(SqlitePragmas.Instance)
            .UseSqliteBareConnection();

    private static string PrepareSqlite(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is { Length: > 0 } path && path != ":memory:")
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null) Directory.CreateDirectory(directory);
        }

        // Foreign keys are switched on once per native connection (SqlitePragmas); the connection string's
        // "Foreign Keys" would run the pragma again on every open of a pooled connection, that is on every query.
        builder.ForeignKeys = null;
        builder.Pooling = true;
        return builder.ToString();
    }

    /// <summary>
    /// Two Npgsql settings that are off unless the connection string sets them; one it sets itself, off included, is
    /// left as it is.
    /// <list type="bullet">
    /// <item>Statements the server runs often are prepared once per physical connection ("Max Auto Prepare"): a chat
    /// message's handful of queries then skip PostgreSQL's parse and plan. PostgreSQL may keep one generic plan for a
    /// prepared statement; the inbox, whose plans depend on its values, asks for custom plans
    /// (<see cref="Conversations.ConversationFinder"/>).</item>
    /// <item>Statements outside a transaction are multiplexed ("Multiplexing"): concurrent requests share the physical
    /// connections, and what they send at the same moment goes out in one write and comes back in one read, so a busy
    /// server makes far fewer system calls and wakes PostgreSQL's processes far less often. On the chat bench (500
    /// visitors, 400 msg/s) p99 was 39–43 ms with it, and 154 ms or a saturated machine without it. A connection
    /// holds no session state between statements then: what needs it (the inbox's temporary search lists and plan
    /// settings) runs in a transaction, which keeps one physical connection.</item>
    /// </list>
    /// </summary>
    private static string TunePostgres(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare")) builder.MaxAutoPrepare = AutoPrepared;
        if (!given.ContainsKey("Multiplexing")) builder.Multiplexing = true;
        return builder.ToString();
    }

    /// <summary>Enough for the hot paths' distinct statements (chat, inbox, counts) with room for the filters' variants.</summary>
    private const int AutoPrepared = 100;

    private sealed class ContextFactory<T>(IDbContextFactory<T> inner) : IDbContextFactory<ParleyDbContext>
        where T : ParleyDbContext
    {
        public ParleyDbContext CreateDbContext() => inner.CreateDbContext();
    }
}

/// <summary>
/// WAL so readers never wait for the writer; a busy timeout so concurrent writers queue instead of failing; no
/// automatic checkpoints, which would run inside a commit (<see cref="SqliteCheckpointer"/> does them). Applied once
/// per physical connection: EF opens a pooled connection for every query, and re-running the pragmas each time was a
/// measurable share of a message's cost.
/// </summary>
/// <remarks>
/// The page cache stays SQLite's 2 MB. 128 MB a connection made searches at 1 M conversations a third faster on a quiet
/// database, but in WAL mode a connection drops its whole cache whenever another has written since its last read, so
/// under chat load (700 messages/s) the cached pages were freed and read again on every request: seconds-long stalls
/// and 1,503 errors, against none with 2 MB. Memory-mapped reads (mmap_size) failed the chat load the same way.
/// </remarks>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> Prepared = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle }) return;
        if (Prepared.TryGetValue(handle, out _)) return;
        SqliteUnicode.Register(handle);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; PRAGMA wal_autocheckpoint=0;";
        command.ExecuteNonQuery();
        Prepared.AddOrUpdate(handle, Instance);
    }
}
