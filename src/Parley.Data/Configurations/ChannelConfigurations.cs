using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Domain.Channels;
using Parley.Domain.Companies;

namespace Parley.Data.Configurations;

internal sealed class ChannelConfiguration : IEntityTypeConfiguration<Channel>
{
    public void Configure(EntityTypeBuilder<Channel> b)
    {
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Secret).HasMaxLength(128);
        b.Property(c => c.PublicToken).HasMaxLength(64);
        b.Property(c => c.WebhookUrl).HasMaxLength(2000);
        b.HasIndex(c => c.PublicToken).IsUnique();
        b.HasIndex(c => c.CompanyId);
        b.HasOne<Company>().WithMany().HasForeignKey(c => c.CompanyId).OnDelete(DeleteBehavior.Cascade);
    }
}
