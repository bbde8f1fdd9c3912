using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Domain.Companies;
using Parley.Domain.SystemMessages;

namespace Parley.Data.Configurations;

internal sealed class CompanyConfiguration : IEntityTypeConfiguration<Company>
{
    public void Configure(EntityTypeBuilder<Company> b)
    {
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.TimeZone).HasMaxLength(64);
        b.Property(c => c.Settings).HasJsonConversion();
    }
}

internal sealed class SystemMessageTemplateConfiguration : IEntityTypeConfiguration<SystemMessageTemplate>
{
    public void Configure(EntityTypeBuilder<SystemMessageTemplate> b)
    {
        b.Property(t => t.Language).HasMaxLength(8);
        b.Property(t => t.Text).HasMaxLength(4000);
        b.HasIndex(t => new { t.CompanyId, t.Kind, t.Language }).IsUnique();
        b.HasOne<Company>().WithMany().HasForeignKey(t => t.CompanyId).OnDelete(DeleteBehavior.Cascade);
    }
}
