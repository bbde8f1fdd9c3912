namespace Parley.Domain.Common;

/// <summary>
/// Base of every stored entity: a time-ordered id, so that inserts stay local in indexes and rows made at the same
/// instant still sort in the order they were made (<see cref="TimeOrderedIds"/>).
/// </summary>
public abstract class Entity
{
    public Guid Id { get; set; } = TimeOrderedIds.Next();
}

/// <summary>An entity that belongs to one company (tenant).</summary>
public abstract class CompanyEntity : Entity
{
    public Guid CompanyId { get; set; }
}
