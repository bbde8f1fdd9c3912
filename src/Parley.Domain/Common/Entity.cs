namespace Parley.Domain.Common;

/// <summary>Base of every stored entity: a time-ordered id, so that inserts stay local in indexes.</summary>
public abstract class Entity
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
}

/// <summary>An entity that belongs to one company (tenant).</summary>
public abstract class CompanyEntity : Entity
{
    public Guid CompanyId { get; set; }
}
