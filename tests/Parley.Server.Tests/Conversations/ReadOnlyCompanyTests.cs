using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Domain.Companies;
using Parley.Server.Channels;
using Parley.Server.Conversations;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Conversations;

/// <summary>
/// Every message reads its company (<see cref="ConversationUnits.ReadOnlyCompany"/>) with all its columns, and does not
/// track it: nothing on a message's path changes the company, and a tracked one cost its settings' JSON copied and
/// compared at every save.
/// </summary>
public abstract class ReadOnlyCompanyTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    [Fact]
    public async Task ATeamAction_ReadsItsCompanyWhole_AndUntracked()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.RivalOwnerAsync();
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Read-only company");
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, "read-only-company", "Добрий день", name: "Ostap");

        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var conversation = await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == Guid.Parse(conversationId));
        var stored = await db.Companies.AsNoTracking().SingleAsync(c => c.Id == conversation.CompanyId);

        var unit = await ConversationUnits.LoadAsync(
            db, scope.ServiceProvider.GetRequiredService<ChannelSenders>(), conversation.CompanyId, conversation.Id, app.Time, CancellationToken.None);

        Assert.NotNull(unit);
        Assert.Empty(db.ChangeTracker.Entries<Company>());
        Assert.Equal(
            (stored.Id, stored.Name, stored.TimeZone, stored.CreatedAt, stored.Settings.MainLanguage),
            (unit.Company.Id, unit.Company.Name, unit.Company.TimeZone, unit.Company.CreatedAt, unit.Company.Settings.MainLanguage));
        Assert.Single(db.ChangeTracker.Entries<Parley.Domain.Conversations.Conversation>());
    }
}

public sealed class ReadOnlyCompanyTests_Sqlite(SqliteApp app) : ReadOnlyCompanyTests<SqliteApp>(app);

public sealed class ReadOnlyCompanyTests_Postgres(PostgresApp app) : ReadOnlyCompanyTests<PostgresApp>(app);
