package dev.jplay.engine.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code --tags} and {@code --skip-tags} as ansible-playbook applies them, tags inherited from blocks and plays. */
class TagFilterTest {
    private static TagFilter filter(Set<String> tags, Set<String> skip) {
        return new TagFilter(new RunOptions(false, false, 1, null, tags, skip, Map.of(), null, 0, null, List.of(), null, null));
    }

    private static TaskScope scope(String... inherited) {
        return TaskScope.root(List.of(inherited));
    }

    @Test
    void withoutTagsEverythingRunsButNever() {
        TagFilter all = filter(Set.of(), Set.of());
        assertTrue(all.selectedByTags(scope(), List.of()));
        assertTrue(all.selectedByTags(scope(), List.of("deploy")));
        assertFalse(all.selectedByTags(scope(), List.of("never", "debug")));
        assertFalse(all.selectedByTags(scope("never"), List.of()), "never inherited from the play");
    }

    @Test
    void tagsSelectTheirTasksAndAlways() {
        TagFilter deploy = filter(Set.of("deploy"), Set.of());
        assertTrue(deploy.selectedByTags(scope(), List.of("deploy")));
        assertTrue(deploy.selectedByTags(scope("deploy"), List.of("other")), "a block's or play's tag counts");
        assertTrue(deploy.selectedByTags(scope(), List.of("always")));
        assertFalse(deploy.selectedByTags(scope(), List.of("other")));
        assertFalse(deploy.selectedByTags(scope(), List.of()));
        assertTrue(filter(Set.of("debug"), Set.of()).selectedByTags(scope(), List.of("never", "debug")), "never runs when asked by name");
    }

    @Test
    void taggedAndUntaggedSelectByWhetherATaskHasTags() {
        assertTrue(filter(Set.of("tagged"), Set.of()).selectedByTags(scope(), List.of("x")));
        assertFalse(filter(Set.of("tagged"), Set.of()).selectedByTags(scope(), List.of()));
        assertTrue(filter(Set.of("untagged"), Set.of()).selectedByTags(scope(), List.of()));
        assertFalse(filter(Set.of("untagged"), Set.of()).selectedByTags(scope(), List.of("x")));
    }

    @Test
    void skipTagsWinOverTagsAndAlways() {
        assertFalse(filter(Set.of("deploy"), Set.of("deploy")).selectedByTags(scope(), List.of("deploy")));
        assertFalse(filter(Set.of(), Set.of("always")).selectedByTags(scope(), List.of("always")));
        assertFalse(filter(Set.of(), Set.of("tagged")).selectedByTags(scope(), List.of("x")));
        assertTrue(filter(Set.of(), Set.of("tagged")).selectedByTags(scope(), List.of()));
        assertFalse(filter(Set.of(), Set.of("untagged")).selectedByTags(scope(), List.of()));
    }
}
