using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Server.Tests.Data;

/// <summary>A model change without a migration for both providers would break start-up on one of them.</summary>
public sealed class MigrationsTests
{
    [Fact]
    public void Model_EachProvider_HasNoChangesWithoutMigration()
    {
        using var sqlite = new SqliteParleyDbContext(new DbContextOptionsBuilder<SqliteParleyDbContext>().UseSqlite("Data Source=:memory:").Options);
        using var postgres = new PostgresParleyDbContext(new DbContextOptionsBuilder<PostgresParleyDbContext>().UseNpgsql("Host=127.0.0.1").Options);

        Assert.False(sqlite.Database.HasPendingModelChanges(), "Add a SQLite migration (see README, Adding a migration).");
        Assert.False(postgres.Database.HasPendingModelChanges(), "Add a PostgreSQL migration (see README, Adding a migration).");
    }
}
