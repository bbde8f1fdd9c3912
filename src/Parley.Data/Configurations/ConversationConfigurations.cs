using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Data.Conversations;
using Parley.Data.Outbox;
using Parley.Domain.Catalog;
using Parley.Domain.Channels;
using Parley.Domain.Clients;
using Parley.Domain.Companies;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Domain.Team;

namespace Parley.Data.Configurations;

internal sealed class ConversationConfiguration : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> b)
    {
        b.Property(c => c.Language).HasMaxLength(8);
        b.Property(c => c.LastMessagePreview).HasMaxLength(200);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.Ignore(c => c.IsOpen);

        // The inbox: a folder, newest activity first (Id breaks ties, so a page is read in index order without a sort);
        // the Manager role's view adds the assignee. The client comes last so that a filter on the client (a tag, a
        // matching client name) is checked from the index, and a conversation the filter passes over is never read.
        b.HasIndex(c => new { c.CompanyId, c.Folder, c.LastMessageAt, c.Id, c.ClientId });
        b.HasIndex(c => new { c.CompanyId, c.Folder, c.AssigneeId, c.LastMessageAt, c.Id, c.ClientId });
        // Finding the client's open conversation on a channel.
        b.HasIndex(c => new { c.ClientId, c.ChannelId, c.Folder });
        // The inactivity sweep.
        b.HasIndex(c => new { c.Folder, c.TeamSpokeLastAt });

        b.HasOne<Company>().WithMany().HasForeignKey(c => c.CompanyId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Client>().WithMany().HasForeignKey(c => c.ClientId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Channel>().WithMany().HasForeignKey(c => c.ChannelId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<TeamMember>().WithMany().HasForeignKey(c => c.AssigneeId).OnDelete(DeleteBehavior.SetNull);
        b.HasMany(c => c.Topics).WithOne().HasForeignKey(t => t.ConversationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ConversationCountConfiguration : IEntityTypeConfiguration<ConversationCount>
{
    public void Configure(EntityTypeBuilder<ConversationCount> b)
    {
        b.ToTable("ConversationCounts");
        b.HasKey(k => new { k.CompanyId, k.AssigneeId, k.Folder, k.ChannelType, k.IsAiHandled, k.Language });
        b.Property(k => k.Language).HasMaxLength(8);
    }
}

internal sealed class TagCountConfiguration : IEntityTypeConfiguration<TagCount>
{
    public void Configure(EntityTypeBuilder<TagCount> b)
    {
        b.ToTable("TagCounts");
        b.HasKey(k => new { k.CompanyId, k.TagId, k.AssigneeId, k.Folder });
    }
}

internal sealed class ConversationTopicConfiguration : IEntityTypeConfiguration<ConversationTopic>
{
    public void Configure(EntityTypeBuilder<ConversationTopic> b)
    {
        b.HasKey(t => new { t.ConversationId, t.TopicId });
        b.HasIndex(t => t.TopicId);
        b.HasOne<Topic>().WithMany().HasForeignKey(t => t.TopicId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ConversationEventConfiguration : IEntityTypeConfiguration<ConversationEvent>
{
    public void Configure(EntityTypeBuilder<ConversationEvent> b)
    {
        b.Property(e => e.Kind).HasMaxLength(32);
        b.Property(e => e.ActorName).HasMaxLength(200);
        b.Property(e => e.Details).HasMaxLength(1000);
        b.HasIndex(e => new { e.ConversationId, e.CreatedAt });
        b.HasOne<Conversation>().WithMany().HasForeignKey(e => e.ConversationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> b)
    {
        b.Property(m => m.Text).HasMaxLength(10000);
        b.Property(m => m.ClientMessageId).HasMaxLength(100);
        b.Property(m => m.ChannelMessageId).HasMaxLength(200);
        b.Property(m => m.DeliveryError).HasMaxLength(1000);
        b.Property(m => m.Buttons).HasJsonConversion();
        b.Property(m => m.Attachments).HasJsonConversion();
        b.Ignore(m => m.IsFromTeam);
        b.Ignore(m => m.GoesToClient);

        // Paging a conversation's messages by time.
        b.HasIndex(m => new { m.ConversationId, m.CreatedAt });
        // Idempotent sends: one message per sender id in a conversation.
        b.HasIndex(m => new { m.ConversationId, m.ClientMessageId }).IsUnique().HasFilter("\"ClientMessageId\" IS NOT NULL");
        b.HasIndex(m => new { m.CompanyId, m.ClientMessageId }).HasFilter("\"ClientMessageId\" IS NOT NULL");

        b.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<TeamMember>().WithMany().HasForeignKey(m => m.AuthorMemberId).OnDelete(DeleteBehavior.SetNull);
        b.HasMany(m => m.Edits).WithOne().HasForeignKey(e => e.MessageId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MessageEditConfiguration : IEntityTypeConfiguration<MessageEdit>
{
    public void Configure(EntityTypeBuilder<MessageEdit> b)
    {
        b.Property(e => e.PreviousText).HasMaxLength(10000);
        b.HasIndex(e => new { e.MessageId, e.EditedAt });
    }
}

internal sealed class OutboxDeliveryConfiguration : IEntityTypeConfiguration<OutboxDelivery>
{
    public void Configure(EntityTypeBuilder<OutboxDelivery> b)
    {
        b.ToTable("Outbox");
        b.Property(o => o.LastError).HasMaxLength(1000);
        b.Property(o => o.ClaimedBy).HasMaxLength(64);
        b.HasIndex(o => new { o.Status, o.NextAttemptAt });
        b.HasIndex(o => new { o.ConversationId, o.Id });
    }
}
