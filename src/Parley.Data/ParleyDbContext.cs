using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Parley.Data.Identity;
using Parley.Data.Inbound;
using Parley.Data.Outbox;
using Parley.Domain.Catalog;
using Parley.Domain.Channels;
using Parley.Domain.Clients;
using Parley.Domain.Companies;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Domain.SystemMessages;
using Parley.Domain.Team;

namespace Parley.Data;

/// <summary>
/// The one context. Each provider has a subclass only so that its migrations live apart
/// (<see cref="SqliteParleyDbContext"/>, <see cref="PostgresParleyDbContext"/>).
/// </summary>
public abstract class ParleyDbContext(DbContextOptions options) : IdentityUserContext<MemberAccount, Guid>(options)
{
    public DbSet<Company> Companies => Set<Company>();
    public DbSet<SystemMessageTemplate> SystemMessageTemplates => Set<SystemMessageTemplate>();
    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<Channel> Channels => Set<Channel>();
    public DbSet<Client> Clients => Set<Client>();
    public DbSet<ClientIdentity> ClientIdentities => Set<ClientIdentity>();
    public DbSet<ClientNote> ClientNotes => Set<ClientNote>();
    public DbSet<ClientTag> ClientTags => Set<ClientTag>();
    public DbSet<Tag> Tags => Set<Tag>();
    public DbSet<Topic> Topics => Set<Topic>();
    public DbSet<QuickReply> QuickReplies => Set<QuickReply>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<Data.Conversations.ConversationCount> ConversationCounts => Set<Data.Conversations.ConversationCount>();
    public DbSet<Data.Conversations.TagCount> TagCounts => Set<Data.Conversations.TagCount>();
    public DbSet<ConversationTopic> ConversationTopics => Set<ConversationTopic>();
    public DbSet<ConversationEvent> ConversationEvents => Set<ConversationEvent>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<MessageEdit> MessageEdits => Set<MessageEdit>();
    public DbSet<OutboxDelivery> Outbox => Set<OutboxDelivery>();
    public DbSet<InboundReceipt> InboundReceipts => Set<InboundReceipt>();
    public DbSet<ChannelState> ChannelStates => Set<ChannelState>();

    /// <summary>
    /// An explicit transaction for work that reads and then writes. Use this, not Database.BeginTransactionAsync, so that
    /// SQLite writers queue in the process instead of in SQLite's sleeping busy handler.
    /// </summary>
    public virtual async Task<IDbContextTransaction> BeginWriteTransactionAsync(CancellationToken cancellationToken = default) =>
        await Database.BeginTransactionAsync(cancellationToken);

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<MemberAccount>().ToTable("MemberAccounts");
        builder.Entity<Microsoft.AspNetCore.Identity.IdentityUserClaim<Guid>>().ToTable("MemberAccountClaims");
        builder.Entity<Microsoft.AspNetCore.Identity.IdentityUserLogin<Guid>>().ToTable("MemberAccountLogins");
        builder.Entity<Microsoft.AspNetCore.Identity.IdentityUserToken<Guid>>().ToTable("MemberAccountTokens");
        builder.ApplyConfigurationsFromAssembly(typeof(ParleyDbContext).Assembly);

        // Ids are made by the entities themselves (time-ordered Guids), never by the database: an entity added to a
        // loaded parent's collection must be inserted, not taken for an existing row.
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            var key = entity.FindPrimaryKey();
            if (key is { Properties: [{ ClrType: var type } id] } && type == typeof(Guid) && typeof(Domain.Common.Entity).IsAssignableFrom(entity.ClrType))
                id.ValueGenerated = Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.Never;
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Everything is UTC; SQLite hands DateTime back as Unspecified, so say so on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

public sealed class SqliteParleyDbContext(DbContextOptions<SqliteParleyDbContext> options) : ParleyDbContext(options)
{
    private SemaphoreSlim Gate => SqliteWriteGate.For(Database.GetConnectionString());

    public override async Task<IDbContextTransaction> BeginWriteTransactionAsync(CancellationToken cancellationToken = default)
    {
        var gate = Gate;
        await gate.WaitAsync(cancellationToken);
        try
        {
            return new GatedTransaction(await Database.BeginTransactionAsync(cancellationToken), gate);
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    // Inside an explicit transaction the gate is already held by it.
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (Database.CurrentTransaction is not null) return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        var gate = Gate;
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        if (Database.CurrentTransaction is not null) return base.SaveChanges(acceptAllChangesOnSuccess);
        var gate = Gate;
        gate.Wait();
        try
        {
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }
        finally
        {
            gate.Release();
        }
    }
}

public sealed class PostgresParleyDbContext(DbContextOptions<PostgresParleyDbContext> options) : ParleyDbContext(options);
