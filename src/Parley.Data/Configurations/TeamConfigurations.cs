using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Data.Identity;
using Parley.Domain.Companies;
using Parley.Domain.Team;

namespace Parley.Data.Configurations;

internal sealed class TeamMemberConfiguration : IEntityTypeConfiguration<TeamMember>
{
    public void Configure(EntityTypeBuilder<TeamMember> b)
    {
        b.Property(m => m.Email).HasMaxLength(254);
        b.Property(m => m.Name).HasMaxLength(200);
        b.Property(m => m.ConsoleLanguage).HasMaxLength(8);
        b.Property(m => m.AvatarUrl).HasMaxLength(1000);
        b.Property(m => m.ShiftSchedule).HasJsonConversion();
        b.PrimitiveCollection(m => m.AllowedChannelIds);
        b.HasIndex(m => m.Email).IsUnique();
        b.HasIndex(m => new { m.CompanyId, m.Role });
        b.HasOne<Company>().WithMany().HasForeignKey(m => m.CompanyId).OnDelete(DeleteBehavior.Cascade);
        b.Ignore(m => m.SeesEverything);
    }
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> b)
    {
        b.Property(t => t.Name).HasMaxLength(200);
        b.Property(t => t.TokenHash).HasMaxLength(64);
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.HasIndex(t => t.MemberId);
        b.HasOne<TeamMember>().WithMany().HasForeignKey(t => t.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}
