using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Data.Inbound;
using Parley.Domain.Channels;

namespace Parley.Data.Configurations;

internal sealed class InboundReceiptConfiguration : IEntityTypeConfiguration<InboundReceipt>
{
    public void Configure(EntityTypeBuilder<InboundReceipt> b)
    {
        b.ToTable("InboundReceipts");
        b.Property(r => r.DedupeKey).HasMaxLength(200);
        b.Property(r => r.LastError).HasMaxLength(1000);
        b.HasIndex(r => new { r.ChannelId, r.DedupeKey }).IsUnique();
        b.HasIndex(r => new { r.Status, r.NextAttemptAt });
        b.HasOne<Channel>().WithMany().HasForeignKey(r => r.ChannelId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ChannelStateConfiguration : IEntityTypeConfiguration<ChannelState>
{
    public void Configure(EntityTypeBuilder<ChannelState> b)
    {
        b.ToTable("ChannelStates");
        b.HasKey(s => s.ChannelId);
        b.Property(s => s.LastError).HasMaxLength(1000);
        b.HasOne<Channel>().WithOne().HasForeignKey<ChannelState>(s => s.ChannelId).OnDelete(DeleteBehavior.Cascade);
    }
}
