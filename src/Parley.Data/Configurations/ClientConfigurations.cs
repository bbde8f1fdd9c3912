using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Domain.Catalog;
using Parley.Domain.Channels;
using Parley.Domain.Clients;
using Parley.Domain.Companies;
using Parley.Domain.Team;

namespace Parley.Data.Configurations;

internal sealed class ClientConfiguration : IEntityTypeConfiguration<Client>
{
    public void Configure(EntityTypeBuilder<Client> b)
    {
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Username).HasMaxLength(200);
        b.Property(c => c.Email).HasMaxLength(254);
        b.Property(c => c.Phone).HasMaxLength(20);
        b.Property(c => c.PhotoUrl).HasMaxLength(2000);
        b.Property(c => c.Language).HasMaxLength(8);
        b.Property(c => c.CustomFields).HasJsonConversion();
        b.HasIndex(c => new { c.CompanyId, c.CreatedAt });
        b.HasOne<Company>().WithMany().HasForeignKey(c => c.CompanyId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<TeamMember>().WithMany().HasForeignKey(c => c.ManagerId).OnDelete(DeleteBehavior.SetNull);
        b.HasMany(c => c.Identities).WithOne().HasForeignKey(i => i.ClientId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Notes).WithOne().HasForeignKey(n => n.ClientId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Tags).WithOne().HasForeignKey(t => t.ClientId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ClientIdentityConfiguration : IEntityTypeConfiguration<ClientIdentity>
{
    public void Configure(EntityTypeBuilder<ClientIdentity> b)
    {
        b.Property(i => i.ExternalId).HasMaxLength(200);
        b.Property(i => i.Username).HasMaxLength(200);
        b.HasIndex(i => new { i.ChannelId, i.ExternalId }).IsUnique();
        b.HasOne<Channel>().WithMany().HasForeignKey(i => i.ChannelId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ClientNoteConfiguration : IEntityTypeConfiguration<ClientNote>
{
    public void Configure(EntityTypeBuilder<ClientNote> b)
    {
        b.Property(n => n.Text).HasMaxLength(4000);
        b.HasIndex(n => new { n.ClientId, n.CreatedAt });
        b.HasOne<TeamMember>().WithMany().HasForeignKey(n => n.AuthorId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ClientTagConfiguration : IEntityTypeConfiguration<ClientTag>
{
    public void Configure(EntityTypeBuilder<ClientTag> b)
    {
        b.HasKey(t => new { t.ClientId, t.TagId });
        // A tag's clients, read from the index alone (the tag filter's counts start from them).
        b.HasIndex(t => new { t.TagId, t.ClientId });
        b.HasOne<Tag>().WithMany().HasForeignKey(t => t.TagId).OnDelete(DeleteBehavior.Cascade);
    }
}
