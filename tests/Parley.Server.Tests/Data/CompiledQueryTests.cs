using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Server.Infrastructure;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Data;

/// <summary>
/// One compiled query runs against SQLite's and PostgreSQL's models in the same process, each with its own compilation;
/// EF alone refuses a compiled query on a second model.
/// </summary>
public sealed class CompiledQueryTests(SqliteApp sqlite, PostgresApp postgres) : IClassFixture<SqliteApp>, IClassFixture<PostgresApp>
{
    private static readonly CompiledQuery<Func<ParleyDbContext, string, CancellationToken, Task<string?>>> NameOfMember = new(() => EF.CompileAsyncQuery(
        (ParleyDbContext db, string email, CancellationToken ct) => db.TeamMembers.Where(m => m.Email == email).Select(m => m.Name).FirstOrDefault()));

    [Fact]
    public async Task SameQuery_SqliteThenPostgresThenSqlite_EachAnswersFromItsOwnDatabase()
    {
        var answers = new List<string?>();
        Func<ParleyDbContext, string, CancellationToken, Task<string?>>? first = null;
        foreach (var app in new ParleyApp[] { sqlite, postgres, sqlite })
        {
            using var scope = app.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
            var query = NameOfMember.For(db);
            if (app == sqlite) Assert.Same(first ??= query, query);
            else Assert.NotSame(first, query);
            answers.Add(await query(db, ParleyApp.OwnerEmail, default));
            Assert.Equal(db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL", app == postgres);
        }

        Assert.All(answers, Assert.NotNull);
        Assert.Equal(3, answers.Count);
    }
}
