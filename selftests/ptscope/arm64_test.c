// SPDX-License-Identifier: GPL-2.0
/*
 * arm64's page-table features, each against a source of the kernel's own:
 *
 * - the contiguous bit: mTHP folios of a contiguous block's size (64 KiB
 *   with 4 KiB pages) are mapped with it, every page of them, and the
 *   block is one folio (kpageflags), physically contiguous and aligned
 *   (pagemap), inside one run; without mTHP no page has it;
 * - MTE: a PROT_MTE mapping is tagged memory, its VMA "mt" in smaps;
 *   ordinary RAM is write-back;
 * - BTI: a PROT_BTI page is guarded, its VMA "bt" in smaps; a plain
 *   executable page is not;
 * - write and dirty as Linux defines them (pte_write(), pte_dirty(): on
 *   arm64 DBM, AP[2] and a software dirty bit), against smaps' dirty and
 *   clean figures and kpagecount;
 * - the levels TRANSLATE walks: as many as the kernel uses for the user
 *   address width it lays out and the page size, each entry at the index
 *   the address selects;
 * - the kernel half, reached through TTBR1: every range the kernel's own
 *   ptdump shows mapped lies in a top-level entry `ptscope kernel` lists.
 *
 * Write, dirty and the levels hold on x86-64 as well and run there; the
 * contiguous bit, MTE and BTI skip elsewhere.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ptscope.h>

#include "kselftest_harness.h"
#include "ptscope_util.h"

#ifndef PROT_BTI
#define PROT_BTI 0x10
#endif
#ifndef PROT_MTE
#define PROT_MTE 0x20
#endif
/* AT_HWCAP2 bits (arch/arm64/include/uapi/asm/hwcap.h) */
#define ARM64_HWCAP2_MTE BIT(18)
#define ARM64_HWCAP2_BTI BIT(17)

#ifndef BIT
#define BIT(n) (1UL << (n))
#endif

#define KPF_COMPOUND_HEAD 15
#define KPF_COMPOUND_TAIL 16

#if defined(__aarch64__)
#define ON_ARM64 1
#else
#define ON_ARM64 0
#endif

#define THP "/sys/kernel/mm/transparent_hugepage/"

/* A TRANSLATE reply. */
struct translation {
	struct {
		uint32_t level, index;
		uint64_t entry, table;
	} levels[8];
	unsigned int n;
	bool leaf;
	uint64_t pa;
	uint32_t flags;
	struct ptscope_run run;
};

static int translation_cb(const struct nlmsghdr *nlh, void *data)
{
	struct translation *t = data;
	const struct nlattr *attr, *in;
	size_t len;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(attr)) {
		case PTSCOPE_A_LEVEL:
			if (t->n == ARRAY_SIZE(t->levels))
				return MNL_CB_ERROR;
			mnl_attr_for_each_nested(in, attr) {
				if (mnl_attr_get_type(in) == PTSCOPE_LEVEL_A_LEVEL)
					t->levels[t->n].level = mnl_attr_get_u32(in);
				else if (mnl_attr_get_type(in) == PTSCOPE_LEVEL_A_INDEX)
					t->levels[t->n].index = mnl_attr_get_u32(in);
				else if (mnl_attr_get_type(in) == PTSCOPE_LEVEL_A_ENTRY)
					t->levels[t->n].entry = mnl_attr_get_u64(in);
				else if (mnl_attr_get_type(in) == PTSCOPE_LEVEL_A_TABLE)
					t->levels[t->n].table = mnl_attr_get_u64(in);
			}
			t->n++;
			break;
		case PTSCOPE_A_PA:
			t->pa = mnl_attr_get_u64(attr);
			break;
		case PTSCOPE_A_PAGE_SIZE:
			t->leaf = true;
			break;
		case PTSCOPE_A_FLAGS:
			t->flags = mnl_attr_get_u32(attr);
			break;
		case PTSCOPE_A_RUN:
			len = mnl_attr_get_payload_len(attr);
			memcpy(&t->run, mnl_attr_get_payload(attr),
			       len < sizeof(t->run) ? len : sizeof(t->run));
			break;
		}
	}
	return MNL_CB_OK;
}

static int translate(pid_t pid, unsigned long va, struct translation *t)
{
	struct pid_addr req = { pid, va };
	char extack[256];

	memset(t, 0, sizeof(*t));
	return ptscope_request(PTSCOPE_CMD_TRANSLATE, 0, put_pid_addr, &req, translation_cb, t,
			       extack, sizeof(extack));
}

static uint64_t read_u64_at(const char *path, uint64_t index)
{
	uint64_t v = 0;
	int fd = open(path, O_RDONLY);

	if (fd >= 0 && pread(fd, &v, sizeof(v), index * sizeof(v)) != sizeof(v))
		v = 0;
	if (fd >= 0)
		close(fd);
	return v;
}

/* The VMA holding @va in @pid's smaps: VmFlags and the kB of some fields. */
struct smaps_vma {
	char vmflags[512];
	unsigned long rss, private_dirty, shared_dirty, private_clean, shared_clean;
	bool found;
};

static struct smaps_vma smaps_of(pid_t pid, unsigned long va)
{
	struct smaps_vma v = {};
	unsigned long start, end, kb;
	char path[64], line[512], name[64];
	bool in = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			if (in)
				break;
			in = start <= va && va < end;
			v.found |= in;
			continue;
		}
		if (!in)
			continue;
		if (!strncmp(line, "VmFlags:", 8)) {
			snprintf(v.vmflags, sizeof(v.vmflags), "%s", line + 8);
			continue;
		}
		if (sscanf(line, "%63[^:]: %lu kB", name, &kb) != 2)
			continue;
		if (!strcmp(name, "Rss"))
			v.rss = kb;
		else if (!strcmp(name, "Private_Dirty"))
			v.private_dirty = kb;
		else if (!strcmp(name, "Shared_Dirty"))
			v.shared_dirty = kb;
		else if (!strcmp(name, "Private_Clean"))
			v.private_clean = kb;
		else if (!strcmp(name, "Shared_Clean"))
			v.shared_clean = kb;
	}
	if (f)
		fclose(f);
	return v;
}

static bool vmflag(const struct smaps_vma *v, const char *flag)
{
	char want[8];

	snprintf(want, sizeof(want), " %s", flag);
	return strstr(v->vmflags, want);
}

/*
 * One page of its own VMA: PROT_NONE pages on both sides keep any other
 * mapping from merging with it, so smaps' figures are this page's.
 */
static char *lone_page(int prot, int flags, int fd)
{
	char *p = mmap(NULL, 3 * PAGE_SZ, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mmap(p + PAGE_SZ, PAGE_SZ, prot, flags | MAP_FIXED, fd, 0) == MAP_FAILED)
		return NULL;
	return p + PAGE_SZ;
}

/* A store and a load the compiler keeps. */
static void write_page(char *p)
{
	__atomic_store_n(p, 1, __ATOMIC_RELAXED);
}

static char read_page(const char *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* The contiguous bit */

/*
 * The entries of a contiguous block (CONT_PTES): 16 of 4 KiB, 128 of
 * 16 KiB, 32 of 64 KiB pages; the block's bytes are an mTHP size.
 */
static unsigned long cont_size(void)
{
	switch (PAGE_SZ) {
	case 4096:
		return 16 * 4096;
	case 16384:
		return 128 * 16384;
	default:
		return 32 * PAGE_SZ;
	}
}

FIXTURE(cont) {
	char mthp_path[128];
	char mthp[64], thp[64];
	char *area;
	unsigned long len;
};

FIXTURE_VARIANT(cont) {
	bool mthp;
};

FIXTURE_VARIANT_ADD(cont, mthp_of_the_block_size) { .mthp = true };
FIXTURE_VARIANT_ADD(cont, no_mthp) { .mthp = false };

FIXTURE_SETUP(cont)
{
	bool have_mthp;

	memset(self, 0, sizeof(*self));
	if (!ON_ARM64)
		SKIP(return, "the contiguous bit is arm64's");
	snprintf(self->mthp_path, sizeof(self->mthp_path), THP "hugepages-%lukB/enabled",
		 cont_size() >> 10);
	have_mthp = !access(self->mthp_path, F_OK);
	if (variant->mthp && !have_mthp)
		SKIP(return, "no %s mTHP size (6.8+): no contiguous anonymous mappings",
		     size_name(cont_size()));
	/* PMD-sized THP off: the area's folios are the block's size, or pages. */
	read_file(THP "enabled", self->thp, sizeof(self->thp));
	if (self->thp[0])
		write_file(THP "enabled", "never");
	if (have_mthp) {
		read_file(self->mthp_path, self->mthp, sizeof(self->mthp));
		ASSERT_EQ(0, write_file(self->mthp_path, variant->mthp ? "always" : "never"));
	}
	self->len = 8 * cont_size();
	self->area = mmap(NULL, self->len + cont_size(), PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->area);
	self->area = (char *)(((unsigned long)self->area + cont_size() - 1) & ~(cont_size() - 1));
	memset(self->area, 0x5a, self->len);
}

FIXTURE_TEARDOWN(cont)
{
	if (self->mthp[0])
		restore_setting(self->mthp_path, self->mthp);
	if (self->thp[0])
		restore_setting(THP "enabled", self->thp);
}

struct cont_runs {
	struct ptscope_run r[512];
	unsigned int n;
};

static void add_cont_run(const struct ptscope_run *run, void *arg)
{
	struct cont_runs *c = arg;

	if (c->n < ARRAY_SIZE(c->r))
		c->r[c->n++] = *run;
}

static int cont_runs_cb(const struct nlmsghdr *nlh, void *data)
{
	return ptscope_visit_runs(nlh, add_cont_run, data) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

struct map_req {
	pid_t pid;
	unsigned long start, end;
};

static void put_map(struct nlmsghdr *nlh, void *arg)
{
	const struct map_req *m = arg;

	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, m->pid);
	mnl_attr_put_u64(nlh, PTSCOPE_A_START, m->start);
	mnl_attr_put_u64(nlh, PTSCOPE_A_END, m->end);
}

TEST_F(cont, blocks_of_one_folio_are_contiguous_and_nothing_else)
{
	const unsigned long block = cont_size(), per_block = block / PAGE_SZ;
	struct map_req req = { getpid(), (unsigned long)self->area,
			       (unsigned long)self->area + self->len };
	static struct cont_runs runs;
	unsigned long b, i, folded = 0, cont_pages = 0;
	char extack[256];

	runs.n = 0;
	ASSERT_EQ(0, ptscope_request(PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, put_map, &req,
				     cont_runs_cb, &runs, extack, sizeof(extack)))
		TH_LOG("%s", extack);
	for (b = 0; b < self->len / block; b++) {
		unsigned long va = (unsigned long)self->area + b * block;
		uint64_t head = PM_PFN(pagemap_entry(getpid(), va));
		uint64_t kf = read_u64_at("/proc/kpageflags", head);
		bool one_folio = (kf & (1ULL << KPF_COMPOUND_HEAD)) && head % per_block == 0;
		const struct ptscope_run *run = NULL;

		/* kpageflags: a folio of the block's pages, no more, from the block's start */
		for (i = 1; i < per_block && one_folio; i++)
			one_folio = read_u64_at("/proc/kpageflags", head + i) &
				    (1ULL << KPF_COMPOUND_TAIL);
		one_folio = one_folio && !(read_u64_at("/proc/kpageflags", head + per_block) &
					   (1ULL << KPF_COMPOUND_TAIL));
		folded += one_folio;
		for (i = 0; i < per_block; i++) {
			uint64_t pme = pagemap_entry(getpid(), va + i * PAGE_SZ);
			struct translation t;

			ASSERT_TRUE(pme & PM_PRESENT);
			/* pagemap: physically contiguous, where it is one folio */
			if (one_folio)
				EXPECT_EQ(head + i, PM_PFN(pme));
			ASSERT_EQ(0, translate(getpid(), va + i * PAGE_SZ, &t));
			ASSERT_TRUE(t.leaf);
			EXPECT_EQ(PM_PFN(pme) * PAGE_SZ, t.pa);
			EXPECT_EQ(one_folio, !!(t.flags & PTSCOPE_FLAG_CONT))
				TH_LOG("page %lu of block %lu (%#lx): one folio %d, flags %#x",
				       i, b, va, one_folio, t.flags);
			cont_pages += !!(t.flags & PTSCOPE_FLAG_CONT);
		}
		/* The runs merge a block: one run holds it all, contiguous as it is. */
		for (i = 0; i < runs.n; i++)
			if (runs.r[i].va <= va && va < runs.r[i].va + runs.r[i].size)
				run = &runs.r[i];
		ASSERT_NE(NULL, run);
		EXPECT_EQ(one_folio, !!(run->flags & PTSCOPE_FLAG_CONT));
		if (one_folio)
			EXPECT_LE(va + block, run->va + run->size)
				TH_LOG("block %#lx cut at %#llx", va, run->va + run->size);
	}
	ksft_print_msg("%lu of %lu blocks of %s are one folio; %lu pages contiguous\n",
		       folded, self->len / block, size_name(block), cont_pages);
	/* With mTHP, the kernel made such folios; without, no page is contiguous. */
	EXPECT_TRUE(variant->mthp ? folded > 0 : cont_pages == 0)
		TH_LOG("%lu blocks of one folio, %lu contiguous pages", folded, cont_pages);
}

/* MTE */

TEST(mte_mapping_is_tagged_memory_and_ram_write_back)
{
	struct translation tagged, plain;
	struct smaps_vma vt, vp;
	char *t, *p, cmd[96], *out;

	if (!ON_ARM64)
		SKIP(return, "MTE is arm64's");
	if (!(getauxval(AT_HWCAP2) & ARM64_HWCAP2_MTE))
		SKIP(return, "no MTE (QEMU's virt board with mte=on, a 5.10+ kernel)");
	t = lone_page(PROT_READ | PROT_WRITE | PROT_MTE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	p = lone_page(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	ASSERT_NE(NULL, t) TH_LOG("PROT_MTE: %s", strerror(errno));
	ASSERT_NE(NULL, p);
	write_page(t);
	write_page(p);

	ASSERT_EQ(0, translate(getpid(), (unsigned long)t, &tagged));
	ASSERT_EQ(0, translate(getpid(), (unsigned long)p, &plain));
	vt = smaps_of(getpid(), (unsigned long)t);
	vp = smaps_of(getpid(), (unsigned long)p);
	ASSERT_TRUE(vt.found && vp.found);
	EXPECT_TRUE(vmflag(&vt, "mt")) TH_LOG("VmFlags:%s", vt.vmflags);
	EXPECT_FALSE(vmflag(&vp, "mt")) TH_LOG("VmFlags:%s", vp.vmflags);
	EXPECT_EQ(PTSCOPE_MEM_TYPE_TAGGED, tagged.run.mem_type);
	EXPECT_EQ(PTSCOPE_MEM_TYPE_WRITE_BACK, plain.run.mem_type);
	EXPECT_EQ(PM_PFN(pagemap_entry(getpid(), (unsigned long)t)) * PAGE_SZ, tagged.pa);

	/* The client says so too. */
	snprintf(cmd, sizeof(cmd), "ptscope translate -j %d %p", getpid(), t);
	out = run_output(cmd);
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "\"mem_type\":\"tagged\"")) TH_LOG("%s", out);
	free(out);
}

/* BTI */

TEST(bti_page_is_guarded_and_a_plain_executable_page_not)
{
	struct translation guarded, plain;
	struct smaps_vma vg, vp;
	char *g, *p;

	if (!ON_ARM64)
		SKIP(return, "BTI is arm64's");
	if (!(getauxval(AT_HWCAP2) & ARM64_HWCAP2_BTI))
		SKIP(return, "no BTI on this CPU (cpuinfo bti; QEMU's -cpu max has it)");
	g = lone_page(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	p = lone_page(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	ASSERT_NE(NULL, g);
	ASSERT_NE(NULL, p);
	write_page(g);
	write_page(p);
	ASSERT_EQ(0, mprotect(g, PAGE_SZ, PROT_READ | PROT_EXEC | PROT_BTI))
		TH_LOG("PROT_BTI: %s", strerror(errno));
	ASSERT_EQ(0, mprotect(p, PAGE_SZ, PROT_READ | PROT_EXEC));

	ASSERT_EQ(0, translate(getpid(), (unsigned long)g, &guarded));
	ASSERT_EQ(0, translate(getpid(), (unsigned long)p, &plain));
	ASSERT_TRUE(guarded.leaf && plain.leaf);
	vg = smaps_of(getpid(), (unsigned long)g);
	vp = smaps_of(getpid(), (unsigned long)p);
	ASSERT_TRUE(vg.found && vp.found);
	EXPECT_TRUE(vmflag(&vg, "bt")) TH_LOG("VmFlags:%s", vg.vmflags);
	EXPECT_FALSE(vmflag(&vp, "bt")) TH_LOG("VmFlags:%s", vp.vmflags);
	EXPECT_TRUE(guarded.flags & PTSCOPE_FLAG_GUARDED) TH_LOG("flags %#x", guarded.flags);
	EXPECT_FALSE(plain.flags & PTSCOPE_FLAG_GUARDED) TH_LOG("flags %#x", plain.flags);
	/* Both executable, neither writable any more. */
	EXPECT_EQ(0, guarded.flags & (PTSCOPE_FLAG_NX | PTSCOPE_FLAG_WRITE));
	EXPECT_EQ(0, plain.flags & (PTSCOPE_FLAG_NX | PTSCOPE_FLAG_WRITE));
}

/* Write and dirty */

#define WD (PTSCOPE_FLAG_WRITE | PTSCOPE_FLAG_DIRTY)

static unsigned long kpagecount_of(unsigned long va)
{
	return read_u64_at("/proc/kpagecount", PM_PFN(pagemap_entry(getpid(), va)));
}

TEST(written_page_is_writable_and_dirty)
{
	char *p = lone_page(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	struct translation t;
	struct smaps_vma v;

	ASSERT_NE(NULL, p);
	write_page(p);
	ASSERT_EQ(0, translate(getpid(), (unsigned long)p, &t));
	v = smaps_of(getpid(), (unsigned long)p);
	EXPECT_EQ(WD, t.flags & WD) TH_LOG("flags %#x", t.flags);
	/* smaps: dirty is pte_dirty() or the folio's flag; this one page, private */
	EXPECT_EQ(PAGE_SZ >> 10, v.private_dirty);
	EXPECT_EQ(1, kpagecount_of((unsigned long)p));
}

/*
 * fork() write-protects the parent's private pages, which both now map:
 * dirty still (arm64 keeps it in a software bit once AP[2] is set), not
 * writable.  Once the child is gone, a write takes the page back.
 */
TEST(after_fork_the_parent_page_is_dirty_not_writable)
{
	char *p = lone_page(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	struct translation t;
	struct smaps_vma v;
	int ready[2];
	pid_t child;
	char c;

	ASSERT_NE(NULL, p);
	write_page(p);
	ASSERT_EQ(0, pipe(ready));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (write(ready[1], "", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));

	ASSERT_EQ(0, translate(getpid(), (unsigned long)p, &t));
	v = smaps_of(getpid(), (unsigned long)p);
	EXPECT_EQ(PTSCOPE_FLAG_DIRTY, t.flags & WD) TH_LOG("flags %#x", t.flags);
	EXPECT_EQ(2, kpagecount_of((unsigned long)p));
	EXPECT_EQ(PM_PFN(pagemap_entry(getpid(), (unsigned long)p)),
		  PM_PFN(pagemap_entry(child, (unsigned long)p)));
	EXPECT_EQ(PAGE_SZ >> 10, v.shared_dirty);
	ASSERT_EQ(0, translate(child, (unsigned long)p, &t));
	EXPECT_EQ(PTSCOPE_FLAG_DIRTY, t.flags & WD) TH_LOG("child's flags %#x", t.flags);

	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	write_page(p);
	ASSERT_EQ(0, translate(getpid(), (unsigned long)p, &t));
	EXPECT_EQ(WD, t.flags & WD) TH_LOG("flags %#x after the child", t.flags);
	EXPECT_EQ(1, kpagecount_of((unsigned long)p));
	close(ready[0]);
	close(ready[1]);
}

/*
 * Read-only mappings of page cache (shmem: a page read in is clean,
 * unlike the initramfs's ramfs files, whose pages are all dirty) and of
 * anonymous memory (the zero page, which smaps does not count).
 */
TEST(read_only_mappings_are_neither_writable_nor_dirty)
{
	int fd = memfd_create("arm64_test", 0);
	char *shared, *private, *anon = lone_page(PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	struct translation t;
	struct smaps_vma v;
	unsigned int i;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 2 * PAGE_SZ));
	shared = lone_page(PROT_READ, MAP_SHARED, fd);
	private = lone_page(PROT_READ, MAP_PRIVATE, fd);
	ASSERT_NE(NULL, shared);
	ASSERT_NE(NULL, private);
	ASSERT_NE(NULL, anon);
	close(fd);
	for (i = 0; i < 3; i++) {
		char *va = i == 0 ? shared : i == 1 ? private : anon;

		read_page(va);
		ASSERT_EQ(0, translate(getpid(), (unsigned long)va, &t));
		ASSERT_TRUE(t.leaf);
		v = smaps_of(getpid(), (unsigned long)va);
		EXPECT_EQ(0, t.flags & WD) TH_LOG("mapping %u: flags %#x", i, t.flags);
		EXPECT_EQ(0, v.private_dirty + v.shared_dirty) TH_LOG("mapping %u", i);
		if (va != anon)
			EXPECT_EQ(PAGE_SZ >> 10, v.private_clean + v.shared_clean)
				TH_LOG("mapping %u", i);
	}
}

/*
 * A shared writable mapping read first is writable and clean: on arm64
 * DBM set with AP[2] read-only, until the first write lets the MMU clear
 * AP[2], which makes it dirty.
 */
TEST(shared_page_read_then_written_is_writable_then_dirty)
{
	int fd = memfd_create("arm64_test", 0);
	char *p;
	struct translation t;
	struct smaps_vma v;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, PAGE_SZ));
	p = lone_page(PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	ASSERT_NE(NULL, p);
	close(fd);
	read_page(p);
	ASSERT_EQ(0, translate(getpid(), (unsigned long)p, &t));
	v = smaps_of(getpid(), (unsigned long)p);
	ASSERT_TRUE(t.leaf);
	EXPECT_EQ(PTSCOPE_FLAG_WRITE, t.flags & WD) TH_LOG("flags %#x after a read", t.flags);
	EXPECT_EQ(0, v.private_dirty + v.shared_dirty);
	EXPECT_EQ(PAGE_SZ >> 10, v.private_clean + v.shared_clean);

	write_page(p);
	ASSERT_EQ(0, translate(getpid(), (unsigned long)p, &t));
	v = smaps_of(getpid(), (unsigned long)p);
	EXPECT_EQ(WD, t.flags & WD) TH_LOG("flags %#x after a write", t.flags);
	EXPECT_EQ(PAGE_SZ >> 10, v.private_dirty + v.shared_dirty);
}

/* Levels */

/* The levels of an n-level walk, top first (a folded level is not walked). */
static const uint32_t walk_levels[][5] = {
	[2] = { PTSCOPE_LEVEL_PGD, PTSCOPE_LEVEL_PTE },
	[3] = { PTSCOPE_LEVEL_PGD, PTSCOPE_LEVEL_PMD, PTSCOPE_LEVEL_PTE },
	[4] = { PTSCOPE_LEVEL_PGD, PTSCOPE_LEVEL_PUD, PTSCOPE_LEVEL_PMD, PTSCOPE_LEVEL_PTE },
	[5] = { PTSCOPE_LEVEL_PGD, PTSCOPE_LEVEL_P4D, PTSCOPE_LEVEL_PUD, PTSCOPE_LEVEL_PMD,
		PTSCOPE_LEVEL_PTE },
};

/*
 * TRANSLATE of @va: pt_levels() levels, named as the walk goes, each
 * entry at the index @va selects: (page_shift() - 3) bits a level above
 * the page offset, the top level taking what is left of the user width.
 */
static void check_levels(struct __test_metadata *_metadata, unsigned long va)
{
	const unsigned int levels = pt_levels(), per = page_shift() - 3;
	struct translation t;
	unsigned int i, shift;
	uint64_t want;

	ASSERT_EQ(0, translate(getpid(), va, &t));
	ASSERT_TRUE(t.leaf);
	ASSERT_LE(2, levels);
	ASSERT_GE(5, levels);
	EXPECT_EQ(levels, t.n) TH_LOG("%#lx: %u-bit addresses, %s pages", va, user_va_bits(),
				      size_name(PAGE_SZ));
	for (i = 0; i < t.n && i < levels; i++) {
		shift = page_shift() + (levels - 1 - i) * per;
		want = (va >> shift) & ((1UL << (i ? per : user_va_bits() - shift)) - 1);
		EXPECT_EQ(walk_levels[levels][i], t.levels[i].level) TH_LOG("level %u", i);
		EXPECT_EQ(want, t.levels[i].index)
			TH_LOG("%#lx: level %u, table %#llx", va, i,
			       (unsigned long long)t.levels[i].table);
		EXPECT_NE(0, t.levels[i].entry);
	}
	EXPECT_EQ(PM_PFN(pagemap_entry(getpid(), va)) * PAGE_SZ, t.pa);
}

TEST(translate_walks_the_levels_the_kernel_uses)
{
	char *p = lone_page(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	char *high;

	ASSERT_NE(NULL, p);
	write_page(p);
	ksft_print_msg("%u-bit user addresses, %s pages: %u levels\n", user_va_bits(),
		       size_name(PAGE_SZ), pt_levels());
	check_levels(_metadata, (unsigned long)p);

	/* Above 48 bits (arm64 LPA2, x86 LA57) the top level's index is not 0. */
	high = mmap((void *)(1UL << 50), PAGE_SZ, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, high);
	if ((unsigned long)high < 1UL << 48) {
		munmap(high, PAGE_SZ);
		return;
	}
	write_page(high);
	check_levels(_metadata, (unsigned long)high);
	munmap(high, PAGE_SZ);
}

/* The kernel half */

#define PTDUMP "/sys/kernel/debug/kernel_page_tables"

struct range {
	unsigned long start, last;
};

/* The top-level entries `ptscope kernel -j` lists, in order; their count. */
static int kernel_entries(struct range *r, int max)
{
	char *out = run_output("ptscope kernel -j"), *p;
	unsigned long start, end;
	int n = 0;

	if (!out)
		return -1;
	for (p = out; n < max && (p = strstr(p, "\"start\":\"")); p++) {
		if (sscanf(p, "\"start\":\"%lx\",\"end\":\"%lx\"", &start, &end) == 2)
			r[n++] = (struct range){ start, end - 1 };
	}
	free(out);
	return n;
}

/* The entry of @r that holds @va, or @n. */
static int entry_of(const struct range *r, int n, unsigned long va)
{
	int i;

	for (i = 0; i < n; i++)
		if (r[i].start <= va && va <= r[i].last)
			break;
	return i;
}

/*
 * arm64's ptdump (PTDUMP_DEBUGFS) prints a line for each range of like
 * mappings, "START-END SIZE LEVEL ATTRIBUTES", and for holes the same
 * without attributes.  Each mapped range must lie in entries ptscope
 * lists: an entry it misses, or a table read at the wrong place (a 52-bit
 * kernel running 48 bits wide points TTBR1 into the middle of its table),
 * leaves a range uncovered.  The converse need not hold: a top-level entry
 * may point at tables with nothing mapped in them.
 */
TEST(kernel_half_covers_what_ptdump_shows)
{
	struct range entries[1024];
	unsigned long start, end, va;
	int n, i, lines = 0, uncovered = 0;
	char line[512], size[32], level[8];
	FILE *f;
	int at;

	if (ON_X86)
		SKIP(return, "x86's ptdump is another file, in another format: arm64 only");
	f = fopen(PTDUMP, "r");
	if (!f)
		SKIP(return, "%s: %s (no CONFIG_PTDUMP_DEBUGFS)", PTDUMP, strerror(errno));
	n = kernel_entries(entries, ARRAY_SIZE(entries));
	ASSERT_LT(0, n) TH_LOG("ptscope kernel lists no entry");
	while (fgets(line, sizeof(line), f)) {
		at = 0;
		if (sscanf(line, "0x%lx-0x%lx %31s %7s %n", &start, &end, size, level, &at) != 4 ||
		    !at || !line[at])
			continue;	/* a marker, or a hole */
		lines++;
		/* Both ends, and each top-level entry's worth in between. */
		for (va = start; va - start <= end - 1 - start;) {
			i = entry_of(entries, n, va);
			if (i == n) {
				if (uncovered++ < 5)
					TH_LOG("%#lx (ptdump: %.*s) is in no entry ptscope lists",
					       va, (int)strcspn(line, "\n"), line);
				break;
			}
			if (entries[i].last >= end - 1 || entries[i].last == ~0UL)
				break;
			va = entries[i].last + 1;
		}
	}
	fclose(f);
	ksft_print_msg("%d ptdump ranges, %d top-level entries\n", lines, n);
	EXPECT_LT(0, lines);
	EXPECT_EQ(0, uncovered);
}

TEST_HARNESS_MAIN
