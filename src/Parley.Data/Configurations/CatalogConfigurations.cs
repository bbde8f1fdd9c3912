using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Domain.Catalog;
using Parley.Domain.Companies;
using Parley.Domain.Team;

namespace Parley.Data.Configurations;

internal sealed class TopicConfiguration : IEntityTypeConfiguration<Topic>
{
    public void Configure(EntityTypeBuilder<Topic> b)
    {
        b.Property(t => t.Name).HasMaxLength(100);
        b.HasIndex(t => new { t.CompanyId, t.Name }).IsUnique();
        b.HasOne<Company>().WithMany().HasForeignKey(t => t.CompanyId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TagConfiguration : IEntityTypeConfiguration<Tag>
{
    public void Configure(EntityTypeBuilder<Tag> b)
    {
        b.Property(t => t.Name).HasMaxLength(100);
        b.Property(t => t.Color).HasMaxLength(16);
        b.HasIndex(t => new { t.CompanyId, t.Name }).IsUnique();
        b.HasOne<Company>().WithMany().HasForeignKey(t => t.CompanyId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class QuickReplyConfiguration : IEntityTypeConfiguration<QuickReply>
{
    public void Configure(EntityTypeBuilder<QuickReply> b)
    {
        b.Property(q => q.Shortcut).HasMaxLength(64);
        b.Property(q => q.Title).HasMaxLength(200);
        b.Property(q => q.Variants).HasJsonConversion();
        b.HasIndex(q => new { q.CompanyId, q.Shortcut });
        b.HasOne<Company>().WithMany().HasForeignKey(q => q.CompanyId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<TeamMember>().WithMany().HasForeignKey(q => q.OwnerId).OnDelete(DeleteBehavior.Cascade);
    }
}
